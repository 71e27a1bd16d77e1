/**
 * How a multi-node DeepSpeed run starts (pure), the way Kubeflow Trainer v2's own DeepSpeed runtime
 * starts it: the launcher pod runs `mpirun` over the hostfile the trainer's MPI plugin writes
 * (kubeflow/sdk python/kubeflow/trainer/constants/constants.py: the deepspeed-runtime entrypoint is
 * `mpirun --hostfile /etc/mpi/hostfile python3`), and each rank's `deepspeed.init_distributed()`
 * takes its rank, world size and master address from OpenMPI (mpi_discovery, with mpi4py). The
 * `deepspeed` CLI is not in the path: its OpenMPI runner raised "MPI environment variables are not
 * set" on 0.16.4–0.18.3 (deepspeedai/DeepSpeed#7711, fixed by #7751 in 0.18.4).
 *
 * Ranks on other nodes start through sshd with a bare environment: mpirun forwards only what `-x`
 * names. The names come from one function, shared by training runs and the fabric acceptance test.
 */
import type { NodePoolSpec } from "../config/types";
import { compareVersions } from "../compat/version";
import { fabricProfile } from "../fabric/profile";

/** Where Kubeflow Trainer's MPI plugin writes the hostfile (pod DNS names, OpenMPI slots). */
const MPI_HOSTFILE = "/etc/mpi/hostfile";

/** What every rank needs from the launcher's environment besides the fabric's and the job's. */
const RANK_BASE_ENV = ["PATH", "LD_LIBRARY_PATH"] as const;

/** Variables mpirun must forward to every rank: the pool's fabric environment, the job's, and the base. */
export function forwardedEnvNames(pool: NodePoolSpec, jobEnvNames: readonly string[] = []): string[] {
  return [...new Set([...Object.keys(fabricProfile(pool).env), ...jobEnvNames, ...RANK_BASE_ENV])];
}

/** `mpirun` over the trainer's hostfile, one rank per GPU, forwarding the named variables. */
export function mpirunCommand(args: { readonly ranks: number; readonly forwardEnv: readonly string[]; readonly program: readonly string[] }): string[] {
  return [
    "mpirun", "--hostfile", MPI_HOSTFILE, "-np", String(args.ranks),
    // GPU ranks pin their own cores and NICs; OpenMPI's default core binding would squeeze them.
    "--bind-to", "none",
    ...args.forwardEnv.flatMap((name) => ["-x", name]),
    ...args.program,
  ];
}

/** Seconds the launcher waits for every peer's sshd before starting mpirun anyway. */
const PEER_WAIT_SECONDS = 300;

/**
 * Waits until every other host of the hostfile answers ssh, then runs "$@" (mpirun). A new pod's
 * address reaches the other nodes' network-policy maps after a delay — the VPC CNI's agent denies
 * a new client for seconds to minutes (aws/aws-network-policy-agent#487) — and mpirun gives up on
 * the first refused connection. The launcher itself is in the hostfile (runLauncherAsNode) and runs
 * its ranks locally: skipped. Bounded: after PEER_WAIT_SECONDS mpirun starts and reports what fails.
 * Overridable for tests: LLM_HOSTFILE, LLM_PEER_WAIT_SECONDS.
 */
const WAIT_FOR_PEERS_SCRIPT = [
  `hostfile="\${LLM_HOSTFILE:-${MPI_HOSTFILE}}"`,
  `deadline=$(( $(date +%s) + \${LLM_PEER_WAIT_SECONDS:-${PEER_WAIT_SECONDS}} ))`,
  'for host in $(awk \'{print $1}\' "$hostfile"); do',
  '  [ "${host%%.*}" = "$(hostname)" ] && continue',
  '  until ssh -o BatchMode=yes -o ConnectTimeout=5 "$host" true </dev/null >/dev/null 2>&1; do',
  '    [ "$(date +%s)" -lt "$deadline" ] || { echo "launcher: $host does not answer ssh; starting mpirun anyway" >&2; break; }',
  "    sleep 2",
  "  done",
  "done",
  'exec "$@"',
].join("\n");

/** The launcher's command: wait for the peers, then exec the given argv (mpirun …), which reaches the script only as arguments. */
export function afterPeersReachable(argv: readonly string[]): string[] {
  return ["sh", "-c", WAIT_FOR_PEERS_SCRIPT, "launcher", ...argv];
}

/** DeepSpeed versions whose `deepspeed --launcher openmpi` fails before starting a rank (#7711). */
const DEEPSPEED_OPENMPI_RUNNER_BROKEN = { from: "0.16.4", to: "0.18.3", fixedIn: "0.18.4" } as const;
/** init_distributed's MPI discovery (deepspeedai/DeepSpeed#375, v0.3). */
const DEEPSPEED_MPI_DISCOVERY_SINCE = "0.3.0";

export interface LaunchContext {
  readonly deepspeedVersion: string;
  /** The pool's fabric variables: ranks on other nodes need each of them. */
  readonly fabricEnv: readonly string[];
  readonly nodes: number;
}

/**
 * Why a launcher command would fail at run time on this stack (empty: it runs). Reads the argv, or
 * the script of an `sh -c` argv, word by word.
 */
export function launchCommandProblems(command: readonly string[], context: LaunchContext): string[] {
  const words = commandWords(command);
  const problems: string[] = [];
  const deepspeedAt = words.findIndex((w) => basename(w) === "deepspeed");
  const mpirunAt = words.findIndex((w) => basename(w) === "mpirun" || basename(w) === "mpiexec");
  if (deepspeedAt >= 0) {
    const args = words.slice(deepspeedAt + 1);
    const launcher = launcherOption(args);
    const { from, to, fixedIn } = DEEPSPEED_OPENMPI_RUNNER_BROKEN;
    if (launcher === "openmpi" && compareVersions(context.deepspeedVersion, from) >= 0 && compareVersions(context.deepspeedVersion, to) <= 0) {
      problems.push(`\`deepspeed --launcher openmpi\` raises "MPI environment variables are not set" on DeepSpeed ${from}–${to} (deepspeedai/DeepSpeed#7711; fixed in ${fixedIn}); this stack pins ${context.deepspeedVersion} — run mpirun over the hostfile instead (the platform's launcher does)`);
    }
    const program = programAfterOptions(args);
    if (program !== undefined && !program.endsWith(".py") && !args.includes("--no_python")) {
      problems.push(`\`deepspeed\` runs \`python -u ${program}\` unless --no_python is given (DeepSpeed launcher/runner.py), and ${program} is not a Python file`);
    }
  }
  if (mpirunAt >= 0 && context.nodes > 1) {
    const forwarded = new Set<string>();
    words.slice(mpirunAt + 1).forEach((w, i, rest) => {
      if (w === "-x" && rest[i + 1]) forwarded.add(rest[i + 1].split("=")[0]);
    });
    const missing = context.fabricEnv.filter((name) => !forwarded.has(name));
    if (missing.length > 0) {
      problems.push(`mpirun does not forward ${missing.join(", ")} (-x): ranks on other nodes start through sshd without the fabric's environment, so NCCL falls back to TCP or fails`);
    }
  }
  if (compareVersions(context.deepspeedVersion, DEEPSPEED_MPI_DISCOVERY_SINCE) < 0 && mpirunAt >= 0) {
    problems.push(`DeepSpeed ${context.deepspeedVersion} cannot discover its ranks from OpenMPI (mpi_discovery arrived in ${DEEPSPEED_MPI_DISCOVERY_SINCE})`);
  }
  return problems;
}

/**
 * The words of an argv, or of the script of `sh -c SCRIPT NAME ARGS…` with "$@" standing for ARGS
 * (NAME is the script's $0, not an argument).
 */
function commandWords(command: readonly string[]): string[] {
  const shell = command.findIndex((w) => /(^|\/)(ba)?sh$/.test(w));
  if (shell >= 0 && command[shell + 1] === "-c" && command[shell + 2] !== undefined) {
    const positional = command.slice(shell + 4);
    return command[shell + 2].split(/[\s;&|]+/).filter(Boolean).flatMap((w) => (/^"?\$[@*]"?$/.test(w) ? positional : [w]));
  }
  return [...command];
}

const basename = (word: string) => word.split("/").pop() ?? word;

function launcherOption(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const m = /^--launcher(?:=(.+))?$/.exec(args[i]);
    if (m) return (m[1] ?? args[i + 1] ?? "").toLowerCase();
  }
  return undefined;
}

/** The first word after the deepspeed CLI's options (its options with a value take the next word). */
function programAfterOptions(args: readonly string[]): string | undefined {
  const withValue = new Set(["--hostfile", "--launcher", "--launcher_args", "--master_addr", "--master_port", "--num_nodes", "--num_gpus", "--include", "--exclude", "--module", "--ssh_port", "--bind_core_list"]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith("--")) {
      if (withValue.has(arg)) i++;
      continue;
    }
    return arg;
  }
  return undefined;
}
