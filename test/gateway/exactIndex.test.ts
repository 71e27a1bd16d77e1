import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ExactCosineIndex, normaliseInPlace } from "../../gateway/search/exactIndex";
import { DOT_I8_WASM_BASE64 } from "../../gateway/search/dotI8Wasm";

// Local bindings: jest's global object is a proxy, and a global lookup per element makes these
// loops twenty times slower.
const { sqrt, log, cos, PI, imul } = Math;

// Deterministic pseudo-random numbers (mulberry32), so a failure reproduces.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return sqrt(-2 * log(rand() + 1e-12)) * cos(2 * PI * rand());
}

function unitVectors(rows: number, dim: number, rand: () => number, around?: Float32Array, spread = 1): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const v = out.subarray(r * dim, (r + 1) * dim);
    for (let j = 0; j < dim; j++) v[j] = (around ? around[j] : 0) + spread * gaussian(rand);
    normaliseInPlace(v);
  }
  return out;
}

/** The reference: a plain float64 scan over every row, written independently of the index. */
function bruteForceTop1(vectors: Float32Array, dim: number, query: Float32Array): { row: number; score: number } {
  let best = Number.NEGATIVE_INFINITY;
  let row = -1;
  for (let r = 0; r < vectors.length / dim; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += vectors[r * dim + j] * query[j];
    if (s > best) {
      best = s;
      row = r;
    }
  }
  return { row, score: best };
}

describe("exact top-1 cosine search", () => {
  it("returns the same row and score as a brute-force scan on random vectors", () => {
    const rand = random(1);
    const dim = 512;
    const vectors = unitVectors(3000, dim, rand);
    const index = new ExactCosineIndex(vectors, dim);
    for (let q = 0; q < 200; q++) {
      const query = unitVectors(1, dim, rand);
      const expected = bruteForceTop1(vectors, dim, query);
      const hit = index.top1(query);
      expect(hit.row).toBe(expected.row);
      expect(hit.score).toBeCloseTo(expected.score, 12);
    }
  });

  it("stays exact when many rows are near-duplicates, where the int8 pre-scan alone cannot separate them", () => {
    const rand = random(2);
    const dim = 384;
    const centre = unitVectors(1, dim, rand);
    // 2000 rows within a few degrees of one another: scores differ in the third decimal.
    const vectors = unitVectors(2000, dim, rand, centre, 0.003);
    const index = new ExactCosineIndex(vectors, dim);
    let rescored = 0;
    for (let q = 0; q < 100; q++) {
      const query = unitVectors(1, dim, rand, centre, 0.003);
      const expected = bruteForceTop1(vectors, dim, query);
      const hit = index.top1(query);
      expect(hit.row).toBe(expected.row);
      expect(hit.score).toBeCloseTo(expected.score, 12);
      rescored += hit.candidates;
    }
    expect(rescored).toBeGreaterThan(100); // the second pass really had to choose
  });

  it("finds a stored vector itself with cosine 1 and handles dimensions that are not a multiple of 16", () => {
    const rand = random(3);
    const dim = 100;
    const vectors = unitVectors(50, dim, rand);
    const index = new ExactCosineIndex(vectors, dim);
    const hit = index.top1(vectors.slice(17 * dim, 18 * dim));
    expect(hit.row).toBe(17);
    expect(hit.score).toBeCloseTo(1, 6);
  });

  it("keeps the first row on an exact tie and answers -1 on an empty index", () => {
    const v = normaliseInPlace(new Float32Array([1, 2, 3, 4]));
    const index = new ExactCosineIndex(new Float32Array([...v, ...v]), 4);
    expect(index.top1(v).row).toBe(0);
    expect(new ExactCosineIndex(new Float32Array(0), 4).top1(v).row).toBe(-1);
  });

  it("refuses a query of the wrong dimension", () => {
    const index = new ExactCosineIndex(new Float32Array(8), 4);
    expect(() => index.top1(new Float32Array(3))).toThrow("query has 3 dimensions, the index 4");
  });

  it("holds float32 rows plus an int8 copy: about 5 bytes per dimension per row", () => {
    const rows = 1000;
    const dim = 512;
    const index = new ExactCosineIndex(unitVectors(rows, dim, random(4)), dim);
    // 4 bytes (float32) + 1 byte (int8) per value = 2,560,000 bytes, plus per-row bounds and
    // at most one 64 KiB WebAssembly page of rounding.
    expect(index.memoryBytes).toBeGreaterThanOrEqual(rows * dim * 5);
    expect(index.memoryBytes).toBeLessThan(rows * dim * 5 + rows * 40 + 2 * 65536 + 1024);
  });

  it("ships the WebAssembly bytes that dotI8.wat assembles to (run `npm run gateway:wasm` after editing it)", async () => {
    const { assembleDotI8 } = require(resolve(__dirname, "../../scripts/gateway-wasm-assemble.js"));
    const bytes: Uint8Array = await assembleDotI8();
    expect(Buffer.from(bytes).toString("base64")).toBe(DOT_I8_WASM_BASE64);
    expect(readFileSync(resolve(__dirname, "../../gateway/search/dotI8.wat"), "utf8")).toContain("i32x4.dot_i16x8_s");
  });
});
