/**
 * Client of an OpenAI-compatible `POST /v1/embeddings` service (Text Embeddings Inference in the
 * cluster: huggingface/text-embeddings-inference router/src/http/server.rs serves the OpenAI
 * route and refuses more inputs than --max-client-batch-size per request).
 */
import type { Dispatcher } from "undici";
import { DependencyError, postJson } from "./http";
import { normaliseInPlace } from "./search/exactIndex";

export interface Embedder {
  readonly model: string;
  /** One unit-length vector per text, in order. Throws DependencyError. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export class OpenAiEmbeddingClient implements Embedder {
  readonly model: string;
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(
    options: { baseUrl: string; model: string; timeoutMs: number },
    private readonly dispatcher: Dispatcher,
  ) {
    this.model = options.model;
    this.timeoutMs = options.timeoutMs;
    this.url = `${options.baseUrl}/embeddings`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const answer = await postJson(this.url, { model: this.model, input: texts }, this.timeoutMs, this.dispatcher);
    return parseEmbeddingResponse(answer, texts.length, this.url);
  }
}

/** Checks an OpenAI embeddings answer ({ data: [{ index, embedding }] }) and normalises each vector. */
function parseEmbeddingResponse(answer: unknown, expected: number, source: string): Float32Array[] {
  const bad = (why: string) => new DependencyError("malformed", `${source}: ${why}`);
  const data = (answer as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw bad("the answer has no data list");
  if (data.length !== expected) throw bad(`asked for ${expected} embeddings, got ${data.length}`);
  const out: Float32Array[] = new Array(expected);
  let dimensions = -1;
  data.forEach((item: unknown, position) => {
    const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    const slot = typeof index === "number" ? index : position;
    if (!Number.isInteger(slot) || slot < 0 || slot >= expected || out[slot] !== undefined) throw bad(`data[${position}].index ${JSON.stringify(index)} is out of range or repeated`);
    if (!Array.isArray(embedding) || embedding.length === 0) throw bad(`data[${position}].embedding is not a list of numbers`);
    if (dimensions === -1) dimensions = embedding.length;
    else if (embedding.length !== dimensions) throw bad(`data[${position}].embedding has ${embedding.length} dimensions, data[0] ${dimensions}`);
    const vector = new Float32Array(embedding.length);
    for (let j = 0; j < embedding.length; j++) {
      const v = embedding[j];
      if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`data[${position}].embedding[${j}] is not a finite number`);
      vector[j] = v;
    }
    try {
      out[slot] = normaliseInPlace(vector);
    } catch {
      throw bad(`data[${position}].embedding is a zero vector`);
    }
  });
  return out;
}

/** Embeds many texts in sequential batches of at most `batchSize` (the service's per-request limit). */
export async function embedInBatches(embedder: Embedder, texts: readonly string[], batchSize: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    out.push(...(await embedder.embed(texts.slice(start, start + batchSize))));
  }
  return out;
}
