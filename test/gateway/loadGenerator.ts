/**
 * Open-loop load generator: sends requests at a fixed rate whatever the latency (so queueing
 * shows up in the numbers), bounded in count and in time, and stops by itself. Loopback only.
 */
import { Pool } from "undici";

export interface LoadRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export interface LoadResult {
  readonly sent: number;
  readonly ok: number;
  /** Non-200 answers, answers without a decision header, and transport errors. */
  readonly errors: number;
  readonly errorSamples: string[];
  readonly latenciesMs: number[];
  readonly decisions: Record<string, number>;
  readonly durationMs: number;
}

export async function runOpenLoop(options: {
  readonly origin: string;
  readonly ratePerSecond: number;
  readonly count: number;
  /** Hard stop for sending and for waiting on answers. */
  readonly maxDurationMs: number;
  readonly request: (i: number) => LoadRequest;
}): Promise<LoadResult> {
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(options.origin)) throw new Error(`load only loopback addresses, not ${options.origin}`);
  const pool = new Pool(options.origin, { connections: 64 });
  const latenciesMs: number[] = [];
  const decisions: Record<string, number> = {};
  const errorSamples: string[] = [];
  let ok = 0;
  let errors = 0;
  let sent = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  const deadline = started + options.maxDurationMs;
  const interval = 1000 / options.ratePerSecond;

  const fire = (i: number) => {
    const r = options.request(i);
    const t0 = performance.now();
    const p = pool
      .request({ method: "POST", path: r.path, headers: { "content-type": "application/json", ...r.headers }, body: JSON.stringify(r.body), headersTimeout: options.maxDurationMs, bodyTimeout: options.maxDurationMs })
      .then(async (res) => {
        await res.body.text();
        latenciesMs.push(performance.now() - t0);
        const decision = res.headers["x-compliance-decision"];
        if (res.statusCode === 200 && typeof decision === "string") {
          ok++;
          decisions[decision] = (decisions[decision] ?? 0) + 1;
        } else {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`status ${res.statusCode}`);
        }
      })
      .catch((e: Error) => {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(e.message);
      });
    inFlight.push(p);
  };

  // Schedule against the clock, not by chained timers, so timer drift does not lower the rate.
  while (sent < options.count && performance.now() < deadline) {
    const due = started + sent * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    fire(sent++);
  }
  const remaining = Math.max(0, deadline - performance.now());
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(inFlight), new Promise((resolve) => (timer = setTimeout(resolve, remaining)))]);
  if (timer) clearTimeout(timer);
  const unanswered = sent - ok - errors;
  await pool.destroy();
  return { sent, ok, errors: errors + unanswered, errorSamples, latenciesMs, decisions, durationMs: performance.now() - started };
}

/** The q-quantile (0–1) of a list of numbers, nearest-rank method. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
