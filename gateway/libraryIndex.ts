/** The library, embedded and indexed per stage: what the compliance decision searches. */
import { embedInBatches, type Embedder } from "./embeddings";
import { cacheFilePath, readVectorCache, writeVectorCache, type CachedVectors } from "./embeddingCache";
import { approvedCandidates, type ApprovedText, type Intent, type Library, type Stage } from "./library";
import { ExactCosineIndex, type SearchHit } from "./search/exactIndex";

export interface VectorSearch {
  top1(query: Float32Array): SearchHit;
}

export interface IntentExample {
  readonly intent: Intent;
  readonly text: string;
}

export interface StageSearch {
  readonly stage: Stage;
  /** Approved texts an LLM reply is checked against, row by row with `candidateIndex`. */
  readonly candidates: readonly ApprovedText[];
  readonly candidateIndex: VectorSearch;
  /** Scripted stages: every intent example, row by row with `exampleIndex`. */
  readonly examples: readonly IntentExample[];
  readonly exampleIndex?: VectorSearch;
}

export interface LibraryIndex {
  readonly dimensions: number;
  readonly memoryBytes: number;
  stage(name: string): StageSearch | undefined;
}

/** Every text the gateway embeds, once each, in a fixed order (the cache's row order). */
export function libraryTexts(library: Library): string[] {
  const texts = new Set<string>();
  for (const stage of library.stages) {
    for (const candidate of approvedCandidates(stage)) texts.add(candidate.text);
    if (stage.mode === "scripted") for (const intent of stage.intents) for (const example of intent.examples) texts.add(example);
  }
  return [...texts];
}

/** Builds the per-stage indexes from the embedded texts (`vectors` rows in `libraryTexts` order). */
export function buildLibraryIndex(library: Library, embedded: CachedVectors): LibraryIndex {
  const texts = libraryTexts(library);
  const rowOf = new Map(texts.map((text, row) => [text, row]));
  const d = embedded.dimensions;
  const gather = (list: readonly string[]) => {
    const out = new Float32Array(list.length * d);
    list.forEach((text, i) => {
      const row = rowOf.get(text) as number;
      out.set(embedded.vectors.subarray(row * d, (row + 1) * d), i * d);
    });
    return out;
  };
  const stages = new Map<string, StageSearch>();
  let memoryBytes = 0;
  for (const stage of library.stages) {
    const candidates = approvedCandidates(stage);
    const candidateIndex = new ExactCosineIndex(gather(candidates.map((c) => c.text)), d);
    memoryBytes += candidateIndex.memoryBytes;
    const examples: IntentExample[] = stage.mode === "scripted" ? stage.intents.flatMap((intent) => intent.examples.map((text) => ({ intent, text }))) : [];
    let exampleIndex: ExactCosineIndex | undefined;
    if (examples.length > 0) {
      exampleIndex = new ExactCosineIndex(gather(examples.map((e) => e.text)), d);
      memoryBytes += exampleIndex.memoryBytes;
    }
    stages.set(stage.name, { stage, candidates, candidateIndex, examples, ...(exampleIndex ? { exampleIndex } : {}) });
  }
  return { dimensions: d, memoryBytes, stage: (name) => stages.get(name) };
}

export interface EmbedLibraryResult extends CachedVectors {
  readonly fromCache: boolean;
  readonly cacheFile: string;
  /** Set when the cache could not be written (read-only directory); the index still works. */
  readonly cacheWriteError?: string;
}

/** Embeds the library's texts in batches, or reads them from the cache of this library hash and model. */
export async function embedLibrary(
  library: Library,
  libraryHash: string,
  embedder: Embedder,
  options: { cacheDir: string; batchSize: number },
): Promise<EmbedLibraryResult> {
  const texts = libraryTexts(library);
  const cacheFile = cacheFilePath(options.cacheDir, libraryHash, embedder.model);
  const cached = readVectorCache(cacheFile, libraryHash, embedder.model, texts);
  if (cached) return { ...cached, fromCache: true, cacheFile };

  const rows = await embedInBatches(embedder, texts, options.batchSize);
  const dimensions = rows[0]?.length ?? 0;
  const vectors = new Float32Array(rows.length * dimensions);
  rows.forEach((row, i) => {
    if (row.length !== dimensions) throw new Error(`embedding of library text ${i} has ${row.length} dimensions, the first ${dimensions}`);
    vectors.set(row, i * dimensions);
  });
  const embedded = { dimensions, vectors };
  try {
    writeVectorCache(cacheFile, libraryHash, embedder.model, texts, embedded);
    return { ...embedded, fromCache: false, cacheFile };
  } catch (e) {
    return { ...embedded, fromCache: false, cacheFile, cacheWriteError: (e as Error).message };
  }
}
