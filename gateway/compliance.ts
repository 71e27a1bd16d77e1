/**
 * The compliance decision: which approved text answers a turn. The model's words are never sent;
 * only a library text is (field notes §3: output compliance and hybrid routing).
 */
import { performance } from "node:perf_hooks";
import { DependencyError } from "./http";
import { intentReplyId, stageThreshold, type Library, type Stage } from "./library";
import type { LibraryIndex } from "./libraryIndex";
import type { ChatClient, ChatMessage, ChatUsage } from "./upstream";
import { variantIndex } from "./variant";

export type DecisionKind = "approved" | "stage-fallback" | "universal-fallback" | "scripted";

export type DecisionReason =
  | "similar-approved-reply"
  | "intent-matched"
  | "below-threshold"
  | "unknown-stage"
  | "not-ready"
  | "upstream-timeout"
  | "upstream-error"
  | "upstream-malformed"
  | "embedding-error"
  | "internal-error";

export interface Decision {
  readonly decision: DecisionKind;
  readonly reason: DecisionReason;
  /** The text sent to the customer: always a library text. */
  readonly text: string;
  /** Best similarity found (the intent's for scripted, the reply's otherwise); null when none was computed. */
  readonly score: number | null;
  /** The threshold the score was compared with; null when none was. */
  readonly threshold: number | null;
  /** Nearest approved reply (or intent reply) id, whether or not it was sent. */
  readonly nearestReplyId: string | null;
  /** Id of the text sent: an approved reply, an intent reply, a fallback variant, or "universal". */
  readonly sentId: string;
  /** The stage fallback variant sent, if any. */
  readonly fallbackVariant: string | null;
  /** Scripted stages: the nearest intent and its similarity to the user's message. */
  readonly intent: string | null;
  readonly intentScore: number | null;
  readonly calledUpstream: boolean;
  readonly usage?: ChatUsage;
  readonly error?: string;
  readonly latencies: { readonly upstreamMs: number; readonly embeddingMs: number; readonly searchMs: number };
}

export interface ComplianceDeps {
  readonly library: Library;
  /** Undefined until the library is embedded and indexed. */
  readonly index: LibraryIndex | undefined;
  /** Embeds one text to a unit vector; throws DependencyError. */
  embed(text: string): Promise<Float32Array>;
  readonly chat: ChatClient;
}

export interface Turn {
  readonly stage: string;
  readonly conversationId: string;
  readonly messages: readonly ChatMessage[];
  readonly params: Readonly<Record<string, unknown>>;
}

const UNIVERSAL_FALLBACK_ID = "universal";

/** The stage's fallback variant for this conversation, or the universal fallback. */
function fallbackFor(library: Library, stage: Stage | undefined, conversationId: string): { decision: DecisionKind; text: string; sentId: string; variant: string | null } {
  if (stage && stage.fallbacks.length > 0) {
    const variant = stage.fallbacks[variantIndex(conversationId, stage.fallbacks.length)];
    return { decision: "stage-fallback", text: variant.text, sentId: variant.id, variant: variant.id };
  }
  return { decision: "universal-fallback", text: library.universalFallback, sentId: UNIVERSAL_FALLBACK_ID, variant: null };
}

/** Text of the last user message ("" when there is none); content parts of type text are joined. */
export function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === "user") return contentText(messages[i].content);
  }
  return "";
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => ((part as { type?: unknown })?.type === "text" && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : ""))
      .filter((t) => t !== "")
      .join("\n");
  }
  return "";
}

function failureReason(e: unknown, side: "upstream" | "embedding"): DecisionReason {
  if (side === "embedding") return "embedding-error";
  if (e instanceof DependencyError) return e.kind === "timeout" ? "upstream-timeout" : e.kind === "malformed" ? "upstream-malformed" : "upstream-error";
  return "upstream-error";
}

/** Decides one turn. Never throws: every failure becomes a fallback with its reason. */
export async function decide(deps: ComplianceDeps, turn: Turn): Promise<Decision> {
  const latencies = { upstreamMs: 0, embeddingMs: 0, searchMs: 0 };
  const stage = deps.library.stages.find((s) => s.name === turn.stage);
  const fallback = (reason: DecisionReason, extra: Partial<Decision> = {}): Decision => {
    const f = fallbackFor(deps.library, stage, turn.conversationId);
    return {
      decision: f.decision,
      reason,
      text: f.text,
      score: null,
      threshold: null,
      nearestReplyId: null,
      sentId: f.sentId,
      fallbackVariant: f.variant,
      intent: null,
      intentScore: null,
      calledUpstream: false,
      latencies,
      ...extra,
    };
  };
  if (!stage) return fallback("unknown-stage");
  const search = deps.index?.stage(stage.name);
  if (!search) return fallback("not-ready");

  const timedEmbed = async (text: string) => {
    const started = performance.now();
    try {
      return await deps.embed(text);
    } finally {
      latencies.embeddingMs += performance.now() - started;
    }
  };
  const timedSearch = (index: { top1(q: Float32Array): { row: number; score: number } }, query: Float32Array) => {
    const started = performance.now();
    try {
      return index.top1(query);
    } finally {
      latencies.searchMs += performance.now() - started;
    }
  };

  try {
    let escalation: { intent: string | null; intentScore: number | null } = { intent: null, intentScore: null };
    if (stage.mode === "scripted" && search.exampleIndex) {
      const userText = lastUserText(turn.messages);
      if (userText.trim() !== "") {
        let query: Float32Array;
        try {
          query = await timedEmbed(userText);
        } catch (e) {
          return fallback("embedding-error", { error: (e as Error).message });
        }
        const hit = timedSearch(search.exampleIndex, query);
        const intent = search.examples[hit.row].intent;
        escalation = { intent: intent.name, intentScore: hit.score };
        if (hit.score >= stage.escalateBelow) {
          return {
            decision: "scripted",
            reason: "intent-matched",
            text: intent.reply,
            score: hit.score,
            threshold: stage.escalateBelow,
            nearestReplyId: intentReplyId(intent),
            sentId: intentReplyId(intent),
            fallbackVariant: null,
            intent: intent.name,
            intentScore: hit.score,
            calledUpstream: false,
            latencies,
          };
        }
      }
    }

    // The LLM path (an LLM stage, or a scripted stage's turn below escalateBelow).
    let content: string;
    let usage: ChatUsage | undefined;
    const upstreamStarted = performance.now();
    try {
      const reply = await deps.chat.complete(turn.messages, turn.params);
      content = reply.content;
      usage = reply.usage;
    } catch (e) {
      return fallback(failureReason(e, "upstream"), { calledUpstream: true, error: (e as Error).message, ...escalation });
    } finally {
      latencies.upstreamMs = performance.now() - upstreamStarted;
    }
    let query: Float32Array;
    try {
      query = await timedEmbed(content);
    } catch (e) {
      return fallback("embedding-error", { calledUpstream: true, error: (e as Error).message, ...escalation, ...(usage ? { usage } : {}) });
    }
    const hit = timedSearch(search.candidateIndex, query);
    const nearest = search.candidates[hit.row];
    const threshold = stageThreshold(deps.library, stage);
    const common = { score: hit.score, threshold, nearestReplyId: nearest.id, calledUpstream: true, ...escalation, ...(usage ? { usage } : {}) };
    if (hit.score >= threshold) {
      return { decision: "approved", reason: "similar-approved-reply", text: nearest.text, sentId: nearest.id, fallbackVariant: null, latencies, ...common };
    }
    return fallback("below-threshold", common);
  } catch (e) {
    // A bug must still answer the customer with approved text, never a 5xx.
    return fallback("internal-error", { error: (e as Error).message });
  }
}
