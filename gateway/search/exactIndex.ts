/**
 * Exact top-1 cosine search over unit-length vectors stored as one contiguous Float32Array.
 *
 * A plain float32 scan of 50,000 × 512 reads 102 MB per query and is bound by memory bandwidth
 * (~10 ms here). So the scan runs in two passes that still return the exact float32 answer:
 *   1. an int8 copy of every row (a quarter of the bytes) is scanned with WebAssembly SIMD,
 *      giving each row an approximate score and a proven bound on its error;
 *   2. only rows whose upper bound reaches the best lower bound can be the top-1; those are
 *      re-scored exactly from the float32 rows and the best is returned.
 * Error bound (x a row, y the query, each quantised as x = sx·qx + ex, y = sy·qy + ey):
 *   x·y = sx·sy·(qx·qy) + sy·(ex·qy) + x·ey, so
 *   |x·y − sx·sy·(qx·qy)| ≤ sy·max|ex|·Σ|qy| + max|ey|·Σ|x|.
 */
import { DOT_I8_WASM_BASE64 } from "./dotI8Wasm";

// The project compiles against lib ES2022 without DOM, which is where TypeScript declares
// WebAssembly; these are the few members used here (the runtime global is Node's own).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: unknown;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}

export interface SearchHit {
  /** Row of the nearest vector; -1 when the index is empty. */
  readonly row: number;
  /** Its cosine similarity (dot product of unit vectors). */
  readonly score: number;
  /** Rows re-scored exactly in the second pass (diagnostics). */
  readonly candidates: number;
}

interface DotKernel {
  readonly memory: WebAssembly.Memory;
  dotsI8(matrix: number, rows: number, dim: number, query: number, out: number): void;
}

let compiledKernel: WebAssembly.Module | undefined;
function instantiateKernel(): DotKernel {
  compiledKernel ??= new WebAssembly.Module(Buffer.from(DOT_I8_WASM_BASE64, "base64"));
  return new WebAssembly.Instance(compiledKernel, {}).exports as unknown as DotKernel;
}

const WASM_PAGE = 65536;
const INT8_MAX = 127;
// Float rounding of the bound arithmetic itself (float64, ~1e-16 relative) is far below this.
const BOUND_SLACK = 1e-9;

const align16 = (n: number) => Math.ceil(n / 16) * 16;
// Local bindings: a global lookup per element is slow where the global object is a proxy (jest's
// vm contexts), and costs nothing to avoid.
const { abs, round, max, min, sqrt } = Math;
const NEGATIVE_INFINITY = -Infinity;

export class ExactCosineIndex {
  readonly rows: number;
  readonly dimensions: number;
  private readonly vectors: Float32Array;
  private readonly paddedDimensions: number;
  private readonly kernel: DotKernel;
  private readonly queryPtr: number;
  private readonly outPtr: number;
  private readonly rowScale: Float64Array;
  private readonly rowMaxError: Float64Array;
  private readonly rowL1: Float64Array;
  private readonly upper: Float64Array;
  private readonly queryView: Int16Array;
  private readonly dots: Int32Array;

  /** `vectors`: `rows × dimensions` unit-length float32 values, row after row. */
  constructor(vectors: Float32Array, dimensions: number) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
    if (vectors.length % dimensions !== 0) throw new RangeError(`${vectors.length} values are not whole rows of ${dimensions}`);
    this.vectors = vectors;
    this.dimensions = dimensions;
    this.rows = vectors.length / dimensions;
    this.paddedDimensions = align16(dimensions);
    const matrixBytes = this.rows * this.paddedDimensions;
    this.queryPtr = align16(matrixBytes);
    this.outPtr = align16(this.queryPtr + this.paddedDimensions * 2);
    const totalBytes = this.outPtr + max(1, this.rows) * 4;

    this.kernel = instantiateKernel();
    const pages = Math.ceil(totalBytes / WASM_PAGE) - this.kernel.memory.buffer.byteLength / WASM_PAGE;
    if (pages > 0) this.kernel.memory.grow(pages);
    const buffer = this.kernel.memory.buffer;
    const matrix = new Int8Array(buffer, 0, matrixBytes);
    this.queryView = new Int16Array(buffer, this.queryPtr, this.paddedDimensions);
    this.dots = new Int32Array(buffer, this.outPtr, this.rows);

    this.rowScale = new Float64Array(this.rows);
    this.rowMaxError = new Float64Array(this.rows);
    this.rowL1 = new Float64Array(this.rows);
    this.upper = new Float64Array(this.rows);
    for (let r = 0; r < this.rows; r++) {
      const offset = r * dimensions;
      let maxAbs = 0;
      let l1 = 0;
      for (let j = 0; j < dimensions; j++) {
        const a = abs(vectors[offset + j]);
        if (a > maxAbs) maxAbs = a;
        l1 += a;
      }
      const scale = maxAbs / INT8_MAX;
      let maxError = 0;
      const out = r * this.paddedDimensions;
      for (let j = 0; j < dimensions; j++) {
        const x = vectors[offset + j];
        const q = scale === 0 ? 0 : max(-INT8_MAX, min(INT8_MAX, round(x / scale)));
        matrix[out + j] = q;
        const e = abs(x - scale * q);
        if (e > maxError) maxError = e;
      }
      this.rowScale[r] = scale;
      this.rowMaxError[r] = maxError;
      this.rowL1[r] = l1;
    }
  }

  /** Bytes held: float32 rows, the int8 copy and per-row bounds (the WebAssembly memory counted whole). */
  get memoryBytes(): number {
    return this.vectors.byteLength + this.kernel.memory.buffer.byteLength + this.rows * 8 * 4;
  }

  /** The exact nearest row to a unit-length query. */
  top1(query: Float32Array): SearchHit {
    if (query.length !== this.dimensions) throw new RangeError(`query has ${query.length} dimensions, the index ${this.dimensions}`);
    if (this.rows === 0) return { row: -1, score: NEGATIVE_INFINITY, candidates: 0 };

    let maxAbs = 0;
    for (let j = 0; j < this.dimensions; j++) {
      const a = abs(query[j]);
      if (a > maxAbs) maxAbs = a;
    }
    const queryScale = maxAbs / INT8_MAX;
    let queryMaxError = 0;
    let queryL1 = 0;
    for (let j = 0; j < this.dimensions; j++) {
      const q = queryScale === 0 ? 0 : max(-INT8_MAX, min(INT8_MAX, round(query[j] / queryScale)));
      this.queryView[j] = q;
      queryL1 += abs(q);
      const e = abs(query[j] - queryScale * q);
      if (e > queryMaxError) queryMaxError = e;
    }
    this.kernel.dotsI8(0, this.rows, this.paddedDimensions, this.queryPtr, this.outPtr);

    let bestLower = NEGATIVE_INFINITY;
    const dots = this.dots;
    for (let r = 0; r < this.rows; r++) {
      const approx = this.rowScale[r] * queryScale * dots[r];
      const bound = queryScale * this.rowMaxError[r] * queryL1 + queryMaxError * this.rowL1[r];
      this.upper[r] = approx + bound;
      const lower = approx - bound;
      if (lower > bestLower) bestLower = lower;
    }

    const cutoff = bestLower - BOUND_SLACK;
    let bestRow = -1;
    let bestScore = NEGATIVE_INFINITY;
    let candidates = 0;
    const d = this.dimensions;
    for (let r = 0; r < this.rows; r++) {
      if (this.upper[r] < cutoff) continue;
      candidates++;
      const offset = r * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += this.vectors[offset + j] * query[j];
      if (s > bestScore) {
        bestScore = s;
        bestRow = r;
      }
    }
    return { row: bestRow, score: bestScore, candidates };
  }
}

/** Scales a vector to unit length in place; throws on a zero or non-finite vector. */
export function normaliseInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let j = 0; j < vector.length; j++) sum += vector[j] * vector[j];
  const norm = sqrt(sum);
  if (!Number.isFinite(norm) || norm === 0) throw new RangeError("cannot normalise a zero or non-finite vector");
  for (let j = 0; j < vector.length; j++) vector[j] /= norm;
  return vector;
}
