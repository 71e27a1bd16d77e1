/**
 * A planned resource as the offline plan records it (types only): what the policy runner, the cost
 * model's callers and the reports share, so that policies need nothing from the plan runner.
 */

export interface RecordedOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly dependsOn: readonly string[];
  readonly provider?: string;
  readonly ignoreChanges: readonly string[];
  readonly deleteBeforeReplace: boolean;
}

export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Parent URN; the root stack for top-level resources, absent for the stack itself. */
  readonly parent?: string;
  /** Custom resources are managed by a provider; components only group. */
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  readonly options: RecordedOptions;
  /**
   * Resources whose outputs flow into this resource's inputs (URNs, sorted): the implicit
   * dependencies Pulumi derives from Outputs, which `options.dependsOn` does not list.
   */
  readonly inputDependencies: readonly string[];
  /** The same, per input path where an Output (or a resource reference) was passed (`vpcConfig.subnetIds`, `tags.Name`, `subnetIds[0]`). */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

