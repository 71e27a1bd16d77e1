import type { RecordedResource } from "../../infra/recorded";

/** A recorded resource as the plan would capture it, for feeding policies directly. */
export function recorded(type: string, name: string, inputs: Record<string, unknown>, options: Partial<RecordedResource["options"]> = {}, parent?: string): RecordedResource {
  return {
    urn: `urn:pulumi:test::llm-platform::${type}::${name}`,
    type,
    name,
    ...(parent ? { parent } : {}),
    custom: type.includes("/") || type.startsWith("pulumi:providers:"),
    inputs,
    options: { protect: false, retainOnDelete: false, dependsOn: [], ignoreChanges: [], deleteBeforeReplace: false, ...options },
    inputDependencies: [],
    propertyDependencies: {},
  };
}
