import { fnv1a32, variantIndex } from "../../gateway/variant";

describe("stable fallback variant choice", () => {
  it("hashes with FNV-1a 32-bit as published (draft-eastlake-fnv test vectors)", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("gives a conversation the same variant every time", () => {
    for (const id of ["conv-1", "c0ffee", "会话-42", ""]) {
      const first = variantIndex(id, 3);
      for (let i = 0; i < 20; i++) expect(variantIndex(id, 3)).toBe(first);
    }
  });

  it("is the hash modulo the variant count", () => {
    // 0xbf9cf968 = 3214735720; 3214735720 mod 2 = 0, mod 3 = 1 (3 × 1071578573 = 3214735719).
    expect(variantIndex("foobar", 2)).toBe(0);
    expect(variantIndex("foobar", 3)).toBe(1);
    expect(variantIndex("anything", 1)).toBe(0);
  });

  it("spreads many conversations roughly evenly over the variants", () => {
    for (const variants of [2, 3]) {
      const counts = new Array<number>(variants).fill(0);
      const n = 6000;
      for (let i = 0; i < n; i++) counts[variantIndex(`conv-${i}`, variants)]++;
      for (const c of counts) expect(Math.abs(c / n - 1 / variants)).toBeLessThan(0.03);
    }
  });

  it("refuses a variant count that is not a positive integer", () => {
    expect(() => variantIndex("x", 0)).toThrow("variantCount must be a positive integer, got 0");
  });
});
