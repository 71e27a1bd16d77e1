/**
 * Fake upstream (OpenAI chat) and embedding (OpenAI embeddings) servers on 127.0.0.1, for the
 * gateway's tests and benchmark. Each can be switched at run time to slow, failing or malformed.
 *
 * The fake embedding is a hashed bag of character n-grams (unigrams and bigrams after dropping
 * spaces and punctuation): deterministic, and texts sharing most of their characters get a high
 * cosine while unrelated texts get a low one, so "similar reply → approved" and "unrelated reply
 * → fallback" are real outcomes of the search, not stubs.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_DIMENSIONS = 512;

/** The fake embedding of a text, not normalised (the gateway must normalise it). */
export function ngramEmbedding(text: string, dimensions = FAKE_DIMENSIONS): number[] {
  const chars = [...text.toLowerCase().replace(/[\s\p{P}\p{S}]/gu, "")];
  const vector = new Array<number>(dimensions).fill(0);
  const add = (feature: string) => {
    const digest = createHash("md5").update(feature).digest();
    const slot = digest.readUInt32LE(0) % dimensions;
    vector[slot] += digest[4] & 1 ? 1 : -1;
  };
  chars.forEach((c, i) => {
    add(`1:${c}`);
    if (i + 1 < chars.length) add(`2:${c}${chars[i + 1]}`);
  });
  if (chars.length === 0) vector[0] = 1;
  return vector;
}

/** Cosine of two fake embeddings, computed here independently of the gateway's search. */
export function fakeCosine(a: string, b: string): number {
  const x = ngramEmbedding(a);
  const y = ngramEmbedding(b);
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    dot += x[i] * y[i];
    nx += x[i] * x[i];
    ny += y[i] * y[i];
  }
  return dot / Math.sqrt(nx * ny);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type UpstreamMode = "reply" | "slow" | "error" | "not-json" | "no-choices" | "empty-content" | "hang-up";

export interface ReceivedChat {
  readonly body: Record<string, unknown>;
}

export interface FakeUpstream {
  /** OpenAI-style base URL, ending in /v1. */
  readonly url: string;
  readonly received: ReceivedChat[];
  mode: UpstreamMode;
  delayMs: number;
  /** The model's words for a request (default: echoes the last user message). */
  reply: (messages: Array<{ role: string; content: unknown }>) => string;
  close(): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const fake = {
    received: [] as ReceivedChat[],
    mode: "reply" as UpstreamMode,
    delayMs: 0,
    reply: (messages: Array<{ role: string; content: unknown }>) => String(messages[messages.length - 1]?.content ?? ""),
  };
  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") return sendJson(res, 404, { error: { message: "not found" } });
    const body = JSON.parse(text) as Record<string, unknown>;
    fake.received.push({ body });
    switch (fake.mode) {
      case "slow":
        await sleep(fake.delayMs);
        break;
      case "error":
        return sendJson(res, 500, { error: { message: "CUDA out of memory", type: "server_error" } });
      case "not-json":
        res.writeHead(200, { "content-type": "application/json" });
        return res.end("<html>bad gateway</html>");
      case "no-choices":
        return sendJson(res, 200, { id: "x", object: "chat.completion", choices: [] });
      case "empty-content":
        return sendJson(res, 200, { id: "x", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: null }, finish_reason: "tool_calls" }] });
      case "hang-up":
        return req.socket.destroy();
      default:
        break;
    }
    const content = fake.reply(body.messages as Array<{ role: string; content: unknown }>);
    sendJson(res, 200, {
      id: "chatcmpl-fake",
      object: "chat.completion",
      created: 0,
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    });
  });
  const url = await listen(server);
  return Object.assign(fake, { url, close: () => closeServer(server) });
}

export type EmbeddingMode = "ok" | "slow" | "error" | "not-json" | "wrong-count" | "wrong-dimensions" | "zero-vector";

export interface FakeEmbeddings {
  readonly url: string;
  /** Inputs of every request received, in order. */
  readonly received: string[][];
  mode: EmbeddingMode;
  delayMs: number;
  /** Requests to fail (500) before answering normally again; for start-up retries. */
  failNext: number;
  close(): Promise<void>;
}

export async function startFakeEmbeddings(dimensions = FAKE_DIMENSIONS): Promise<FakeEmbeddings> {
  const fake = { received: [] as string[][], mode: "ok" as EmbeddingMode, delayMs: 0, failNext: 0 };
  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    if (req.method !== "POST" || req.url !== "/v1/embeddings") return sendJson(res, 404, { error: { message: "not found" } });
    const body = JSON.parse(text) as { input: string | string[]; model: string };
    const inputs = typeof body.input === "string" ? [body.input] : body.input;
    fake.received.push(inputs);
    if (fake.failNext > 0) {
      fake.failNext--;
      return sendJson(res, 503, { error: "model is loading", error_type: "unhealthy" });
    }
    switch (fake.mode) {
      case "slow":
        await sleep(fake.delayMs);
        break;
      case "error":
        return sendJson(res, 500, { error: "backend error", error_type: "backend" });
      case "not-json":
        res.writeHead(200, { "content-type": "application/json" });
        return res.end("{ truncated");
      default:
        break;
    }
    let data = inputs.map((input, index) => ({ object: "embedding", index, embedding: ngramEmbedding(input, dimensions) }));
    if (fake.mode === "wrong-count") data = data.slice(1);
    if (fake.mode === "wrong-dimensions") data = data.map((d) => ({ ...d, embedding: d.embedding.slice(0, dimensions / 2) }));
    if (fake.mode === "zero-vector") data = data.map((d) => ({ ...d, embedding: d.embedding.map(() => 0) }));
    sendJson(res, 200, { object: "list", data: data.reverse(), model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
  });
  const url = await listen(server);
  return Object.assign(fake, { url, close: () => closeServer(server) });
}
