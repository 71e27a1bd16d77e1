/**
 * On-disk cache of an embedded library, keyed by the library's version hash and the embedding
 * model, so a restart (or a replica) does not re-embed; `npm run gateway:embed` builds it ahead
 * of time. File layout: magic line, uint32 (LE) header length, JSON header, float32 (LE) rows.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const MAGIC = Buffer.from("llm-platform-gateway-vectors/1\n", "utf8");

interface CacheHeader {
  readonly libraryHash: string;
  readonly model: string;
  readonly count: number;
  readonly dimensions: number;
  /** sha256 of the embedded texts, in order, NUL-separated. */
  readonly textsHash: string;
}

export interface CachedVectors {
  readonly dimensions: number;
  /** `count × dimensions` unit-length float32 values, one row per text. */
  readonly vectors: Float32Array;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The cache file of a library hash and an embedding model. */
export function cacheFilePath(cacheDir: string, libraryHash: string, model: string): string {
  return join(cacheDir, `library-${libraryHash.slice(0, 16)}-model-${sha256(model).slice(0, 12)}.vectors`);
}

/** The cached vectors, or undefined when there is no usable file (missing, other key, damaged). */
export function readVectorCache(file: string, libraryHash: string, model: string, texts: readonly string[]): CachedVectors | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  let header: CacheHeader;
  try {
    header = JSON.parse(bytes.subarray(headerStart, headerStart + headerLength).toString("utf8")) as CacheHeader;
  } catch {
    return undefined;
  }
  if (header.libraryHash !== libraryHash || header.model !== model || header.count !== texts.length || header.textsHash !== sha256(texts.join("\0"))) return undefined;
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart !== header.count * header.dimensions * 4) return undefined;
  // Copy into an aligned buffer: the file's data offset need not be a multiple of 4.
  const vectors = new Float32Array(header.count * header.dimensions);
  Buffer.from(vectors.buffer).set(bytes.subarray(dataStart));
  return { dimensions: header.dimensions, vectors };
}

/** Writes the cache atomically (temp file + rename), so a reader never sees half a file. */
export function writeVectorCache(file: string, libraryHash: string, model: string, texts: readonly string[], cached: CachedVectors): void {
  const header: CacheHeader = { libraryHash, model, count: texts.length, dimensions: cached.dimensions, textsHash: sha256(texts.join("\0")) };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  mkdirSync(join(file, ".."), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([MAGIC, length, headerBytes, Buffer.from(cached.vectors.buffer, cached.vectors.byteOffset, cached.vectors.byteLength)]));
  renameSync(tmp, file);
}
