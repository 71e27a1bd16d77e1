/** One problem in a stack's config: the full key path and a sentence saying what is wrong. */
export interface ConfigProblem {
  /** e.g. `llm-platform:nodePools[1].instanceType` */
  readonly path: string;
  /** e.g. `"p5.48xl" is not a known instance type (did you mean p5.48xlarge?)` */
  readonly message: string;
}

/** Thrown when a stack's config is invalid; carries every problem, not just the first. */
export class ConfigError extends Error {
  constructor(
    public readonly stack: string,
    public readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `stack ${stack}: ${problems.length} config problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.path}: ${p.message}`;
}

/** Renders a value the way a user wrote it, for quoting in an error message. */
export function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  // JSON has no Infinity or NaN (a YAML 1e400 decodes to Infinity): show them as they are, not as null.
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
