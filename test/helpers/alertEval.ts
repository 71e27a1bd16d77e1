/**
 * A small, honest evaluator of the platform's alert conditions on golden series, with Prometheus's
 * semantics for the parts the rules use: instant selection with the 5-minute lookback, matchers on
 * absent labels as "", counter increase with resets and extrapolation (prometheus/prometheus
 * promql/functions.go extrapolatedRate, left-open range), `count by`, `unless on`, and the alerting
 * rule's `for` (rules/alerting.go: active since the first evaluation that returned the series,
 * firing once held for `for`, reset when an evaluation does not return it).
 */
import type { AlertRule, Condition, Matcher, Selector } from "../../infra/monitoring/alerts";

export interface Series {
  readonly labels: Record<string, string>;
  /** [time in seconds, value], ascending. */
  readonly samples: readonly (readonly [number, number])[];
}
export interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

const LOOKBACK_SECONDS = 300;

function matcher(m: Matcher, labels: Record<string, string>): boolean {
  const v = labels[m.label] ?? "";
  switch (m.op) {
    case "=": return v === m.value;
    case "!=": return v !== m.value;
    case "=~": return new RegExp(`^(?:${m.value})$`).test(v);
    case "!~": return !new RegExp(`^(?:${m.value})$`).test(v);
  }
}
const selects = (s: Selector, series: Series) => series.labels.__name__ === s.metric && s.matchers.every((m) => matcher(m, series.labels));
const withoutName = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([k]) => k !== "__name__"));

export function instant(s: Selector, all: readonly Series[], t: number): Sample[] {
  return all.filter((x) => selects(s, x)).flatMap((x) => {
    const latest = [...x.samples].reverse().find(([ts]) => ts <= t && ts > t - LOOKBACK_SECONDS);
    return latest ? [{ labels: x.labels, value: latest[1] }] : [];
  });
}

/** Prometheus's extrapolatedRate for counters: increase over (t - range, t], or its per-second rate. */
export function extrapolatedIncrease(samples: readonly (readonly [number, number])[], t: number, range: number, isRate: boolean): number | undefined {
  const inRange = samples.filter(([ts]) => ts > t - range && ts <= t);
  if (inRange.length < 2) return undefined;
  const [firstT, first] = inRange[0];
  const [lastT, last] = inRange[inRange.length - 1];
  let result = last - first;
  for (let i = 1; i < inRange.length; i++) if (inRange[i][1] < inRange[i - 1][1]) result += inRange[i - 1][1];
  const sampledInterval = lastT - firstT;
  const averageBetween = sampledInterval / (inRange.length - 1);
  let durationToStart = firstT - (t - range);
  const durationToEnd = t - lastT;
  if (result > 0 && first >= 0) durationToStart = Math.min(durationToStart, sampledInterval * (first / result));
  const threshold = averageBetween * 1.1;
  let extrapolateTo = sampledInterval;
  extrapolateTo += durationToStart < threshold ? durationToStart : averageBetween / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
  result *= extrapolateTo / sampledInterval;
  return isRate ? result / range : result;
}

const compare = (op: string, a: number, b: number) => (op === ">" ? a > b : op === "<" ? a < b : a === b);
const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());

/** The series a condition returns at time t (labels without __name__, as an alert's labels). */
export function evaluate(c: Condition, all: readonly Series[], t: number): Sample[] {
  switch (c.kind) {
    case "value":
      return instant(c.series, all, t).filter((s) => compare(c.op, s.value, c.value)).map((s) => ({ labels: withoutName(s.labels), value: s.value }));
    case "increase":
    case "rateShare": {
      const range = c.windowMinutes * 60;
      return all.filter((x) => selects(c.series, x)).flatMap((x) => {
        const v = c.kind === "increase" ? extrapolatedIncrease(x.samples, t, range, false) : (extrapolatedIncrease(x.samples, t, range, true) ?? NaN) / c.divisor;
        return v !== undefined && !Number.isNaN(v) && v > c.value ? [{ labels: withoutName(x.labels), value: v }] : [];
      });
    }
    case "countBelow": {
      const groups = new Map<string, Sample>();
      for (const s of instant(c.series, all, t)) {
        const labels = Object.fromEntries(c.by.map((b) => [b, s.labels[b] ?? ""]));
        const k = key(labels);
        groups.set(k, { labels, value: (groups.get(k)?.value ?? 0) + 1 });
      }
      return [...groups.values()].filter((g) => g.value < c.value);
    }
    case "withoutPeer": {
      const healthy = new Set(instant(c.right, all, t).filter((s) => s.value === 1).map((s) => s.labels[c.on] ?? ""));
      return instant(c.left, all, t).filter((s) => s.value > 0 && !healthy.has(s.labels[c.on] ?? "")).map((s) => ({ labels: withoutName(s.labels), value: s.value }));
    }
  }
}

/** Evaluations from `from` to `to` every `interval` seconds: the label sets firing at each. */
export function firingTimeline(rule: AlertRule, all: readonly Series[], from: number, to: number, interval = 30): { t: number; firing: Record<string, string>[] }[] {
  const activeAt = new Map<string, number>();
  const out: { t: number; firing: Record<string, string>[] }[] = [];
  for (let t = from; t <= to; t += interval) {
    const now = evaluate(rule.condition, all, t);
    const seen = new Set(now.map((s) => key(s.labels)));
    for (const k of [...activeAt.keys()]) if (!seen.has(k)) activeAt.delete(k);
    for (const s of now) if (!activeAt.has(key(s.labels))) activeAt.set(key(s.labels), t);
    out.push({ t, firing: now.filter((s) => t - activeAt.get(key(s.labels))! >= rule.forMinutes * 60).map((s) => s.labels) });
  }
  return out;
}

/** The first evaluation time at which the rule fires, or undefined. */
export function firstFiring(rule: AlertRule, all: readonly Series[], from: number, to: number): number | undefined {
  return firingTimeline(rule, all, from, to).find((e) => e.firing.length > 0)?.t;
}

/** A series sampled every `step` seconds from `from` to `to`, value from `f(t)` (undefined: no sample). */
export function sampled(labels: Record<string, string>, from: number, to: number, f: (t: number) => number | undefined, step = 30): Series {
  const samples: [number, number][] = [];
  for (let t = from; t <= to; t += step) {
    const v = f(t);
    if (v !== undefined) samples.push([t, v]);
  }
  return { labels, samples };
}
