import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterPeersReachable } from "../infra/training/launcher";

/**
 * The launcher's wait-for-peers wrapper, run by a real sh with fake `ssh` and `hostname` on PATH:
 * ssh answers for a host only after it has been asked a number of times (as a worker's ingress
 * admits a new launcher only once the network-policy agent has learnt its address).
 */
function run(hosts: string[], failuresBefore: Record<string, number>, waitSeconds: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "launcher-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(dir, "hostfile"), hosts.map((h) => `${h} slots=8`).join("\n") + "\n");
  const counts = path.join(dir, "counts");
  fs.mkdirSync(counts);
  // ssh [-o …]… HOST true: count the attempts per host; fail until the host's threshold is reached.
  fs.writeFileSync(path.join(bin, "ssh"), `#!/bin/sh
while [ "$1" = "-o" ]; do shift 2; done
host="$1"; f="${counts}/$host"; n=$(cat "$f" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$f"
case "$host" in ${Object.entries(failuresBefore).map(([h, k]) => `${h}) [ "$n" -gt ${k} ] ;;`).join(" ")} *) true ;; esac
`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "hostname"), "#!/bin/sh\necho job-launcher-0-0\n", { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "sleep"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  const [shell, flag, script, name, ...argv] = afterPeersReachable(["echo", "mpirun ran with", "two args"]);
  const result = spawnSync(shell, [flag, script, name, ...argv], {
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env.PATH}`, LLM_HOSTFILE: path.join(dir, "hostfile"), LLM_PEER_WAIT_SECONDS: String(waitSeconds) },
  });
  const attempts = Object.fromEntries(fs.readdirSync(counts).map((h) => [h, Number(fs.readFileSync(path.join(counts, h), "utf8"))]));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, attempts };
}

const HOSTS = ["job-launcher-0-0.job", "job-node-0-0.job", "job-node-0-1.job"];

describe("the launcher's wait for its peers", () => {
  it("asks each worker until it answers, skips itself, then runs mpirun with its arguments intact", () => {
    const r = run(HOSTS, { "job-node-0-1.job": 3 }, 60);
    expect(r.attempts).toEqual({ "job-node-0-0.job": 1, "job-node-0-1.job": 4 });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "mpirun ran with two args\n", ""]);
  });

  it("gives up on a silent worker at the deadline, says which, and still starts mpirun (which reports the failure itself)", () => {
    const r = run(HOSTS, { "job-node-0-0.job": 1_000_000 }, 0);
    expect(r.attempts["job-node-0-0.job"]).toBe(1);
    expect([r.status, r.stdout]).toEqual([0, "mpirun ran with two args\n"]);
    expect(r.stderr).toBe("launcher: job-node-0-0.job does not answer ssh; starting mpirun anyway\n");
  });
});
