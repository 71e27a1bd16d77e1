import { ConfigError, formatProblem } from "../../infra/config/errors";
import { parseSpec } from "../../infra/config/spec";
import type { RawStackConfig } from "../../infra/config/types";

/** The problems parseSpec reports for a config, as the plan prints them; [] when it is accepted. */
export function problemsOrNone(raw: RawStackConfig): string[] {
  try {
    parseSpec(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

/** The problems of a config that must be rejected (fails the test when it is accepted). */
export function problemsOf(raw: RawStackConfig): string[] {
  const problems = problemsOrNone(raw);
  if (problems.length === 0) throw new Error("expected the config to be rejected");
  return problems;
}
