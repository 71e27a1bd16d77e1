import { runCli } from "../../infra/plan/cli";

export interface CliRun { code: number; out: string; err: string }

/** `npm run plan -- <args>` in process: its exit code and what it printed to stdout and stderr. */
export async function cli(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join("\n"), err: err.join("\n") };
}
