import { distance } from "fastest-levenshtein";

/**
 * The closest known word to a mistyped one, for "did you mean …?" hints; undefined when nothing is
 * close enough to be a plausible typo. A known word that starts with the input (a truncated name
 * such as "p5.48xl") wins over edit distance.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.trim().toLowerCase();
  if (needle.length === 0) return undefined;
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(needle));
  if (prefixed.length > 0) return [...prefixed].sort((a, b) => a.length - b.length)[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(needle, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Beyond ~40 % of the word changed, a suggestion is noise rather than help.
  return bestDistance <= Math.max(2, Math.floor(needle.length * 0.4)) ? best : undefined;
}

/** " (did you mean X?)" or "" — ready to append to a message. */
export function didYouMean(input: unknown, candidates: readonly string[]): string {
  if (typeof input !== "string") return "";
  const match = closestMatch(input, candidates);
  return match && match !== input ? ` (did you mean ${match}?)` : "";
}
