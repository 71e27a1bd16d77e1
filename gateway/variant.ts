/**
 * Stable A/B choice of a stage's fallback variant: FNV-1a (32-bit) of the conversation id's UTF-8
 * bytes, modulo the number of variants. The same id always gets the same variant, in every
 * replica and after every restart, so a conversation never sees two variants.
 */

// FNV-1a 32-bit parameters (offset basis 2166136261, prime 16777619): IETF draft-eastlake-fnv.
const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** Index (0-based) of the variant a conversation sees among `variantCount` variants. */
export function variantIndex(conversationId: string, variantCount: number): number {
  if (!Number.isInteger(variantCount) || variantCount < 1) throw new RangeError(`variantCount must be a positive integer, got ${variantCount}`);
  return fnv1a32(conversationId) % variantCount;
}
