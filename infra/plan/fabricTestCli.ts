/**
 * `npm run -s fabric-test -- --stack NAME --pool POOL [--team TEAM] | kubectl create -f -`
 * Prints the fabric acceptance TrainJob for a training pool: NCCL all-reduce across two of its
 * nodes through the pool's runtime, failing below the pool's bus-bandwidth floor.
 */
import { Command, CommanderError } from "commander";
import * as path from "path";
import { stringify } from "yaml";
import { ConfigError } from "../config/errors";
import { parseSpec } from "../config/spec";
import { platformImages } from "../images";
import { trainingGpuPools } from "../queues/pools";
import { ncclAcceptanceTrainJob, poolBusBandwidthFloorGBps } from "../training/ncclAcceptance";
import { readStackConfig } from "./stackConfig";

export async function runFabricTestCli(argv: readonly string[], out: (text: string) => void = (t) => process.stdout.write(t), err: (line: string) => void = console.error): Promise<number> {
  const program = new Command("fabric-test")
    .description("Print the NCCL all-reduce acceptance TrainJob for a training pool (pipe it to kubectl create -f -).")
    .requiredOption("-s, --stack <name>", "stack")
    .requiredOption("-p, --pool <name>", "training pool to test")
    .option("-t, --team <name>", "team whose namespace and queue run the test (default: the first with quota on the pool)")
    .option("--project <dir>", "project directory holding Pulumi.yaml", process.cwd())
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s), writeErr: (s) => err(s.trimEnd()) });
  try {
    program.parse([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const opts = program.opts<{ stack: string; pool: string; team?: string; project: string }>();
  let spec;
  try {
    spec = parseSpec(readStackConfig(path.resolve(opts.project), opts.stack));
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
  const pools = trainingGpuPools(spec);
  const pool = pools.find((p) => p.name === opts.pool);
  if (!pool) {
    err(`--pool ${opts.pool}: not a GPU training pool of stack ${opts.stack} (training pools: ${pools.map((p) => p.name).join(", ") || "none"})`);
    return 2;
  }
  if (pool.maxNodes < 2) {
    err(`--pool ${opts.pool}: maxNodes is ${pool.maxNodes}; the fabric test needs 2 nodes`);
    return 2;
  }
  const team = opts.team ?? (spec.teams.find((t) => (t.gpuQuota[pool.name] ?? 0) > 0) ?? spec.teams[0])?.name;
  if (!team || !spec.teams.some((t) => t.name === team)) {
    err(`--team ${team ?? "(none)"}: not a team of stack ${opts.stack} (teams: ${spec.teams.map((t) => t.name).join(", ") || "none"})`);
    return 2;
  }
  const job = ncclAcceptanceTrainJob(pool, team, platformImages(spec.gpuStack, spec.images).training.ref);
  out(`# NCCL all-reduce acceptance for pool ${pool.name}: fails below ${poolBusBandwidthFloorGBps(pool)} GB/s bus bandwidth\n`);
  out(stringify(job));
  return 0;
}
