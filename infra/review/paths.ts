/**
 * Input paths as the review writes them: `vpcConfig.subnetIds`, `spec.containers[0].image`; a rule
 * may use `[*]` for any list element. Pure helpers over plain JSON values.
 */

export type PathSegment = string | number;

function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const part of path.split(".")) {
    const match = /^([^[\]]*)((?:\[(?:\d+|\*)\])*)$/.exec(part);
    if (!match) {
      segments.push(part);
      continue;
    }
    if (match[1]) segments.push(match[1]);
    for (const index of match[2].match(/\[(\d+|\*)\]/g) ?? []) {
      const inner = index.slice(1, -1);
      segments.push(inner === "*" ? "*" : Number(inner));
    }
  }
  return segments;
}

function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>((out, s) => (typeof s === "number" || s === "*" ? `${out}[${s}]` : out ? `${out}.${s}` : s), "");
}

/** Every concrete (path, value) the pattern reaches in `value` (`[*]` expands over list elements). */
export function valuesAt(value: unknown, pattern: string): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const walk = (v: unknown, rest: readonly PathSegment[], at: PathSegment[]) => {
    if (rest.length === 0) {
      found.set(formatPath(at), v);
      return;
    }
    const [head, ...tail] = rest;
    if (head === "*") {
      if (Array.isArray(v)) v.forEach((item, i) => walk(item, tail, [...at, i]));
      return;
    }
    if (v === null || typeof v !== "object") return;
    const next = (v as Record<string | number, unknown>)[head];
    if (next !== undefined) walk(next, tail, [...at, head]);
  };
  walk(value, parsePath(pattern), []);
  return found;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The leaf paths where `before` and `after` differ (a list that changes length is one change at its path). */
export function changedPaths(before: unknown, after: unknown, at: PathSegment[] = []): { path: string; before: unknown; after: unknown }[] {
  if (deepEqual(before, after)) return [];
  const isObject = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])].sort();
    return keys.flatMap((k) => changedPaths((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], [...at, k]));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => changedPaths(item, after[i], [...at, i]));
  }
  return [{ path: formatPath(at), before, after }];
}

/** True when one path is the other or lies under it (`a.b` and `a.b.c`, `a.b[0]`; `[*]` matches any index). */
export function pathsOverlap(a: string, b: string): boolean {
  const sa = parsePath(a);
  const sb = parsePath(b);
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    if (sa[i] === "*" || sb[i] === "*") {
      if (typeof sa[i] === "number" || typeof sb[i] === "number" || sa[i] === sb[i]) continue;
      return false;
    }
    if (sa[i] !== sb[i]) return false;
  }
  return true;
}
