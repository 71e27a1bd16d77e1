/** Dotted numeric versions ("580.105.08", "12.8", "2.7.1") compared number by number, never as strings. */

function parseVersion(version: string): number[] {
  const parts = version.trim().split(".");
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) throw new Error(`"${version}" is not a dotted numeric version`);
  return parts.map(Number);
}

/** < 0 when a < b, 0 when equal (missing parts count as 0: "12.8" = "12.8.0"), > 0 when a > b. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const atLeast = (version: string, minimum: string) => compareVersions(version, minimum) >= 0;

/** "2.7.1" → "2.7"; "580.105.08" → "580" with parts = 1. */
export function truncateVersion(version: string, parts: number): string {
  return parseVersion(version).slice(0, parts).join(".");
}

/** first ≤ version ≤ last, number by number ("0.14.3" is within "0.14.2"–"0.14.4"). */
export const versionInRange = (version: string, first: string, last: string) => atLeast(version, first) && compareVersions(version, last) <= 0;
