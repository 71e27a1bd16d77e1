/** Client of the OpenAI-compatible chat endpoint behind the gateway (vLLM's `POST /v1/chat/completions`). */
import type { Dispatcher } from "undici";
import { DependencyError, postJson } from "./http";

export interface ChatMessage {
  readonly role: string;
  readonly content: unknown;
  readonly name?: string;
}

export interface ChatUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

export interface ChatReply {
  /** The model's words: never sent to the customer, only checked. */
  readonly content: string;
  readonly usage?: ChatUsage;
}

export interface ChatClient {
  /** Throws DependencyError on timeout, HTTP error, network error or a malformed answer. */
  complete(messages: readonly ChatMessage[], params: Readonly<Record<string, unknown>>): Promise<ChatReply>;
}

export class OpenAiChatClient implements ChatClient {
  private readonly url: string;

  constructor(
    private readonly options: { baseUrl: string; model: string; timeoutMs: number; maxTokens: number },
    private readonly dispatcher: Dispatcher,
  ) {
    this.url = `${options.baseUrl}/chat/completions`;
  }

  async complete(messages: readonly ChatMessage[], params: Readonly<Record<string, unknown>>): Promise<ChatReply> {
    // The cap bounds generation time: latency grows with the answer's length (field notes §1).
    // Newer OpenAI clients send max_completion_tokens instead of max_tokens; either is capped.
    let maxTokens = this.options.maxTokens;
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params)) {
      if (key === "max_tokens" || key === "max_completion_tokens") {
        if (typeof value === "number") maxTokens = Math.min(maxTokens, value);
      } else rest[key] = value;
    }
    const answer = await postJson(
      this.url,
      { ...rest, model: this.options.model, messages, max_tokens: maxTokens, stream: false, n: 1 },
      this.options.timeoutMs,
      this.dispatcher,
    );
    const choice = (answer as { choices?: Array<{ message?: { content?: unknown } }> } | null)?.choices?.[0];
    const content = choice?.message?.content;
    if (typeof content !== "string" || content.trim() === "") {
      throw new DependencyError("malformed", `${this.url}: the answer has no choices[0].message.content text`);
    }
    const usage = (answer as { usage?: ChatUsage }).usage;
    return { content, ...(usage && typeof usage.total_tokens === "number" ? { usage } : {}) };
  }
}
