/**
 * The gateway's HTTP surface (fastify): an OpenAI-compatible `POST /v1/chat/completions` whose
 * answer is always approved text, plus /readyz, /healthz and /metrics.
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { z } from "zod";
import { decide, type ComplianceDeps, type Decision } from "./compliance";
import type { Library } from "./library";
import type { LibraryIndex } from "./libraryIndex";
import { GatewayMetrics, UNKNOWN_STAGE_LABEL } from "./metrics";
import type { ChatMessage } from "./upstream";

const STAGE_HEADER = "x-dialogue-stage";
const CONVERSATION_HEADER = "x-conversation-id";
const DECISION_HEADER = "x-compliance-decision";
const SCORE_HEADER = "x-compliance-score";
const REASON_HEADER = "x-compliance-reason";
const REPLY_ID_HEADER = "x-compliance-reply-id";

/** One JSON object per call; the CLI writes each as a line on stdout. */
export type LogSink = (record: Record<string, unknown>) => void;

export interface ServerState {
  readonly library: Library;
  readonly libraryHash: string;
  readonly embeddingModel: string;
  readonly upstreamModel: string;
  /** Undefined until the library is embedded and indexed. */
  index(): LibraryIndex | undefined;
  readonly deps: Omit<ComplianceDeps, "index" | "library">;
  readonly metrics: GatewayMetrics;
  readonly log: LogSink;
}

// Sampling parameters forwarded to the model; anything else in the request is not (the gateway
// decides the model, the token cap and that there is no streaming and one choice).
const FORWARDED_PARAMS = [
  "temperature",
  "top_p",
  "top_k",
  "min_p",
  "stop",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "repetition_penalty",
  "max_tokens",
  "max_completion_tokens",
  "user",
] as const;

const messageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(z.unknown()), z.null()]).optional(),
  name: z.string().optional(),
});
const requestSchema = z.looseObject({
  model: z.string().optional(),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().optional(),
  n: z.number().int().optional(),
  max_tokens: z.number().int().min(1).optional(),
  max_completion_tokens: z.number().int().min(1).optional(),
  tools: z.array(z.unknown()).optional(),
  functions: z.array(z.unknown()).optional(),
});

interface OpenAiError {
  readonly status: number;
  readonly message: string;
  readonly param: string | null;
  readonly code: string | null;
}

function sendError(reply: FastifyReply, e: OpenAiError): FastifyReply {
  return reply
    .code(e.status)
    .header("content-type", "application/json; charset=utf-8")
    .send({ error: { message: e.message, type: e.status >= 500 ? "server_error" : "invalid_request_error", param: e.param, code: e.code } });
}

/** Validates a chat request; an OpenAI-style 400 error when it is malformed. */
function parseChatRequest(body: unknown): { messages: ChatMessage[]; params: Record<string, unknown> } | OpenAiError {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || null;
    return { status: 400, message: `Invalid request${param ? ` at ${param}` : ""}: ${issue.message}`, param, code: "invalid_request" };
  }
  const r = parsed.data;
  if (r.stream === true) {
    return { status: 400, message: "stream: true is not supported: the gateway must check the whole reply before sending approved text", param: "stream", code: "streaming_not_supported" };
  }
  if (r.n !== undefined && r.n !== 1) return { status: 400, message: `n: ${r.n} is not supported; the gateway returns one checked choice (n: 1)`, param: "n", code: "unsupported_parameter" };
  if ((r.tools?.length ?? 0) > 0 || (r.functions?.length ?? 0) > 0) {
    return { status: 400, message: "tools are not supported: only approved text can be sent, never a tool call", param: r.tools ? "tools" : "functions", code: "unsupported_parameter" };
  }
  const params: Record<string, unknown> = {};
  for (const key of FORWARDED_PARAMS) if (r[key] !== undefined) params[key] = r[key];
  const messages = r.messages.map((m) => ({ role: m.role, content: m.content ?? "", ...(m.name !== undefined ? { name: m.name } : {}) }));
  return { messages, params };
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first !== undefined && first.trim() !== "" ? first.trim() : undefined;
}

interface PendingDecision {
  readonly decision: Decision;
  readonly stage: string;
  readonly conversationId: string;
  readonly conversationIdGenerated: boolean;
}

export function buildServer(state: ServerState): FastifyInstance {
  // While closing, requests already on open connections are still answered (never a 5xx to a
  // customer); forceCloseConnections only drops idle keep-alive sockets.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: "idle", return503OnClosing: false });
  const pending = new WeakMap<FastifyRequest, PendingDecision>();
  const knownStages = new Set(state.library.stages.map((s) => s.name));
  const shortHash = state.libraryHash.slice(0, 12);

  app.setErrorHandler((error: { statusCode?: number; message: string; code?: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return sendError(reply, { status, message: status === 500 ? "internal error" : error.message, param: null, code: error.code ?? null });
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, { status: 404, message: `${request.method} ${request.url} is not a route of this gateway (POST /v1/chat/completions, GET /readyz, /healthz, /metrics)`, param: null, code: "not_found" }),
  );

  app.addHook("onResponse", async (request, reply) => {
    const p = pending.get(request);
    if (!p) return;
    const totalMs = reply.elapsedTime;
    const { upstreamMs, embeddingMs, searchMs } = p.decision.latencies;
    const stageLabel = knownStages.has(p.stage) ? p.stage : UNKNOWN_STAGE_LABEL;
    state.metrics.recordDecision(stageLabel, p.decision, totalMs);
    const d = p.decision;
    state.log({
      time: new Date().toISOString(),
      level: d.reason.endsWith("error") || d.reason.startsWith("upstream-") ? "warn" : "info",
      event: "decision",
      requestId: request.id,
      conversationId: p.conversationId,
      conversationIdGenerated: p.conversationIdGenerated,
      stage: p.stage,
      decision: d.decision,
      reason: d.reason,
      score: d.score,
      threshold: d.threshold,
      nearestReplyId: d.nearestReplyId,
      sentId: d.sentId,
      fallbackVariant: d.fallbackVariant,
      intent: d.intent,
      intentScore: d.intentScore,
      calledUpstream: d.calledUpstream,
      libraryVersion: state.library.version,
      libraryHash: shortHash,
      latencyMs: {
        upstream: round(upstreamMs),
        embedding: round(embeddingMs),
        search: round(searchMs),
        total: round(totalMs),
        overhead: round(Math.max(0, totalMs - upstreamMs - embeddingMs)),
      },
      ...(d.error ? { error: d.error } : {}),
    });
  });

  app.post("/v1/chat/completions", async (request, reply) => {
    const stage = headerValue(request, STAGE_HEADER);
    if (stage === undefined) {
      return sendError(reply, { status: 400, message: `missing header ${STAGE_HEADER}: name the dialogue stage of this turn (one of: ${[...knownStages].join(", ")})`, param: STAGE_HEADER, code: "missing_dialogue_stage" });
    }
    const parsed = parseChatRequest(request.body);
    if ("status" in parsed) return sendError(reply, parsed);
    const givenId = headerValue(request, CONVERSATION_HEADER);
    const conversationId = givenId ?? randomUUID();

    const decision = await decide({ ...state.deps, library: state.library, index: state.index() }, { stage, conversationId, messages: parsed.messages, params: parsed.params });
    pending.set(request, { decision, stage, conversationId, conversationIdGenerated: givenId === undefined });

    return reply
      .header(DECISION_HEADER, decision.decision)
      .header(SCORE_HEADER, (decision.score ?? 0).toFixed(4))
      .header(REASON_HEADER, decision.reason)
      .header(REPLY_ID_HEADER, decision.sentId)
      .header(CONVERSATION_HEADER, conversationId)
      .send({
        id: `chatcmpl-${randomUUID()}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: state.upstreamModel,
        choices: [{ index: 0, message: { role: "assistant", content: decision.text, refusal: null }, logprobs: null, finish_reason: "stop" }],
        usage: decision.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      });
  });

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    const index = state.index();
    const body = { libraryVersion: state.library.version, libraryHash: shortHash, embeddingModel: state.embeddingModel };
    if (!index) return reply.code(503).send({ status: "embedding the library", ...body });
    return reply.send({ status: "ready", ...body, dimensions: index.dimensions });
  });

  app.get("/metrics", async (_request, reply) => {
    const text = await state.metrics.registry.metrics();
    return reply.header("content-type", state.metrics.registry.contentType).send(text);
  });

  return app;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
