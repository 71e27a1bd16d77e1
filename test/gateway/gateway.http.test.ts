/**
 * The gateway over real HTTP on 127.0.0.1, against fake upstream and embedding servers whose
 * similarities are real (hashed character n-grams), so approvals and fallbacks are outcomes.
 */
import { fakeCosine } from "./fakes";
import { SAMPLE_LIBRARY, startHarness, userTurn, type Harness } from "./harness";
import { loadLibrary } from "../../gateway/library";

const SAMPLE = loadLibrary(SAMPLE_LIBRARY).library!;
const text = (id: string) => SAMPLE.stages.flatMap((s) => [...s.replies, ...s.fallbacks]).find((r) => r.id === id)!.text;
const PRICING_FALLBACKS = [text("pricing-fb-a"), text("pricing-fb-b")];
const OPENING_FALLBACKS = [text("opening-fb-a"), text("opening-fb-b")];
const UNIVERSAL = SAMPLE.universalFallback;

// A paraphrase of pricing-001 (大概 for 大约) and words no approved reply is close to.
const CLOSE_TO_PRICING_001 = "我们的课程按课时收费，一节25分钟的一对一外教课折合下来大概80元，买得越多单价越低。";
const UNRELATED = "可以的，我私下给您打个五折，这个价格别告诉其他家长。";

describe("POST /v1/chat/completions", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  afterEach(() => {
    h.upstream.mode = "reply";
    h.embeddings.mode = "ok";
    h.upstream.reply = (messages) => String(messages[messages.length - 1]?.content ?? "");
  });

  describe("an LLM stage", () => {
    it("sends the approved reply's text, not the model's words, when the model's reply is close to it", async () => {
      h.upstream.reply = () => CLOSE_TO_PRICING_001;
      const r = await h.chat(userTurn("正式课多少钱一节？"), { "x-dialogue-stage": "pricing", "x-conversation-id": "conv-a" });
      expect(r.status).toBe(200);
      expect(r.decision).toBe("approved");
      expect(r.content).toBe(text("pricing-001"));
      expect(r.content).not.toBe(CLOSE_TO_PRICING_001);
      // The score is the cosine of the two texts' embeddings, computed independently here.
      const expected = fakeCosine(CLOSE_TO_PRICING_001, text("pricing-001"));
      expect(expected).toBeGreaterThanOrEqual(0.85);
      expect(r.score).toBeCloseTo(expected, 4);
      expect(r.headers.get("x-compliance-reply-id")).toBe("pricing-001");
      expect(r.body).toMatchObject({ object: "chat.completion", model: "sales-7b", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant" } }], usage: { total_tokens: 18 } });
    });

    it("sends one of the stage's fallback variants when the model's reply is unrelated to every approved reply", async () => {
      h.upstream.reply = () => UNRELATED;
      const r = await h.chat(userTurn("能不能便宜点？"), { "x-dialogue-stage": "pricing", "x-conversation-id": "conv-b" });
      expect(r.status).toBe(200);
      expect(r.decision).toBe("stage-fallback");
      expect(PRICING_FALLBACKS).toContain(r.content);
      expect(r.score).toBeLessThan(0.85);
      expect(r.headers.get("x-compliance-reason")).toBe("below-threshold");
    });

    it("shows a conversation the same fallback variant every time, and different conversations both variants", async () => {
      h.upstream.reply = () => UNRELATED;
      const seen = new Map<string, Set<string>>();
      for (let i = 0; i < 12; i++) {
        for (const id of ["conv-x", "conv-y", `conv-${i}`]) {
          const r = await h.chat(userTurn("便宜点"), { "x-dialogue-stage": "pricing", "x-conversation-id": id });
          if (!seen.has(id)) seen.set(id, new Set());
          seen.get(id)!.add(r.content!);
        }
      }
      expect(seen.get("conv-x")!.size).toBe(1);
      expect(seen.get("conv-y")!.size).toBe(1);
      const all = new Set([...seen.values()].flatMap((s) => [...s]));
      expect([...all].sort()).toEqual([...PRICING_FALLBACKS].sort());
    });

    it("sends the universal fallback for a stage it does not know, without calling the model", async () => {
      const before = h.upstream.received.length;
      const r = await h.chat(userTurn("我要投诉"), { "x-dialogue-stage": "after-sales" });
      expect([r.status, r.decision, r.content]).toEqual([200, "universal-fallback", UNIVERSAL]);
      expect(r.headers.get("x-compliance-reason")).toBe("unknown-stage");
      expect(r.headers.get("x-compliance-score")).toBe("0.0000");
      expect(h.upstream.received.length).toBe(before);
    });

    it("caps max_tokens at upstream.maxTokens, keeps a smaller request, and asks the configured model without streaming", async () => {
      const sent = async (extra: Record<string, unknown>) => {
        await h.chat(userTurn("多少钱", extra), { "x-dialogue-stage": "pricing" });
        return h.upstream.received[h.upstream.received.length - 1].body;
      };
      expect((await sent({ max_tokens: 5000 })).max_tokens).toBe(256);
      expect((await sent({ max_tokens: 50 })).max_tokens).toBe(50);
      expect((await sent({ max_completion_tokens: 9999 })).max_tokens).toBe(256);
      const body = await sent({ temperature: 0.2, logit_bias: { "1": 5 } });
      expect(body).toMatchObject({ model: "sales-7b", max_tokens: 256, stream: false, n: 1, temperature: 0.2 });
      expect(body).not.toHaveProperty("logit_bias");
    });

    it("echoes the conversation id, or makes one up and returns it when the client sent none", async () => {
      const given = await h.chat(userTurn("多少钱"), { "x-dialogue-stage": "pricing", "x-conversation-id": "conv-echo" });
      expect(given.headers.get("x-conversation-id")).toBe("conv-echo");
      const made = await h.chat(userTurn("多少钱"), { "x-dialogue-stage": "pricing" });
      expect(made.headers.get("x-conversation-id")).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe("a scripted stage", () => {
    it("answers a message close to an intent example with the intent's scripted reply, without calling the model", async () => {
      const before = h.upstream.received.length;
      const r = await h.chat(userTurn("你们是哪家公司的？"), { "x-dialogue-stage": "opening" });
      const intent = SAMPLE.stages[0].mode === "scripted" ? SAMPLE.stages[0].intents.find((i) => i.name === "who-are-you")! : undefined;
      expect([r.status, r.decision, r.content]).toEqual([200, "scripted", intent!.reply]);
      expect(r.score).toBeCloseTo(fakeCosine("你们是哪家公司的？", "你们是哪家公司"), 4);
      expect(h.upstream.received.length).toBe(before);
    });

    it("lets the model answer a message below escalateBelow, and sends the approved reply the model's words are close to", async () => {
      const model = "我们的体验课是一对一外教直播课，每节25分钟，用手机或者电脑都能上，老师会先给孩子做个水平测评。";
      h.upstream.reply = () => model;
      const before = h.upstream.received.length;
      const r = await h.chat(userTurn("体验课是怎么上的？要多长时间？"), { "x-dialogue-stage": "opening" });
      expect([r.decision, r.content]).toEqual(["approved", text("opening-001")]);
      expect(h.upstream.received.length).toBe(before + 1);
    });

    it("checks an escalated reply against the intents' replies too", async () => {
      h.upstream.reply = () => "不好意思打扰了！我晚些时候再联系您，您看今天下午五点以后方便吗";
      const r = await h.chat(userTurn("你们的课适合三岁的孩子吗？"), { "x-dialogue-stage": "opening" });
      expect([r.decision, r.headers.get("x-compliance-reply-id")]).toEqual(["approved", "intent:busy"]);
    });

    it("sends the stage's fallback when the escalated model reply is unrelated", async () => {
      h.upstream.reply = () => "我们的老师都来自英美，保证每个孩子都能考上重点中学。";
      const r = await h.chat(userTurn("你们的老师都是哪里人？"), { "x-dialogue-stage": "opening", "x-conversation-id": "conv-o" });
      expect(r.decision).toBe("stage-fallback");
      expect(OPENING_FALLBACKS).toContain(r.content);
    });
  });

  describe("failures of the model or the embedding service answer 200 with a fallback", () => {
    it.each([
      ["error", "upstream-error"],
      ["hang-up", "upstream-error"],
      ["not-json", "upstream-malformed"],
      ["no-choices", "upstream-malformed"],
      ["empty-content", "upstream-malformed"],
    ] as const)("upstream %s → stage fallback with reason %s", async (mode, reason) => {
      h.upstream.mode = mode;
      const r = await h.chat(userTurn("多少钱"), { "x-dialogue-stage": "pricing", "x-conversation-id": "conv-f" });
      expect([r.status, r.decision, r.headers.get("x-compliance-reason")]).toEqual([200, "stage-fallback", reason]);
      expect(PRICING_FALLBACKS).toContain(r.content);
    });

    it.each([
      ["error", "pricing"],
      ["not-json", "pricing"],
      ["wrong-count", "pricing"],
      ["wrong-dimensions", "pricing"],
      ["zero-vector", "pricing"],
      ["error", "opening"],
    ] as const)("embedding service %s on the %s stage → stage fallback with reason embedding-error", async (mode, stage) => {
      h.embeddings.mode = mode;
      const r = await h.chat(userTurn("多少钱"), { "x-dialogue-stage": stage, "x-conversation-id": "conv-e" });
      expect([r.status, r.decision, r.headers.get("x-compliance-reason")]).toEqual([200, "stage-fallback", "embedding-error"]);
      expect([...PRICING_FALLBACKS, ...OPENING_FALLBACKS]).toContain(r.content);
    });
  });

  describe("malformed requests get 400 with an OpenAI-style error", () => {
    it("refuses a request without x-dialogue-stage, naming the header and the known stages", async () => {
      const r = await h.chat(userTurn("你好"));
      expect(r.status).toBe(400);
      expect(r.body).toEqual({
        error: {
          message: "missing header x-dialogue-stage: name the dialogue stage of this turn (one of: opening, pricing, closing)",
          type: "invalid_request_error",
          param: "x-dialogue-stage",
          code: "missing_dialogue_stage",
        },
      });
      expect((await h.chat(userTurn("你好"), { "x-dialogue-stage": "  " })).status).toBe(400);
    });

    it("refuses streaming: the whole reply must be checked", async () => {
      const r = await h.chat(userTurn("你好", { stream: true }), { "x-dialogue-stage": "pricing" });
      expect(r.status).toBe(400);
      expect(r.body.error).toEqual({
        message: "stream: true is not supported: the gateway must check the whole reply before sending approved text",
        type: "invalid_request_error",
        param: "stream",
        code: "streaming_not_supported",
      });
    });

    it.each([
      ["a body that is not JSON", "{ not json", undefined],
      ["no messages", { model: "m" }, "messages"],
      ["an empty message list", { messages: [] }, "messages"],
      ["an unknown role", { messages: [{ role: "robot", content: "x" }] }, "messages[0].role"],
      ["n: 2", userTurn("x", { n: 2 }), "n"],
      ["tools", userTurn("x", { tools: [{ type: "function", function: { name: "f" } }] }), "tools"],
      ["max_tokens: 0", userTurn("x", { max_tokens: 0 }), "max_tokens"],
    ])("refuses %s", async (_what, body, param) => {
      const r = await h.chat(body, { "x-dialogue-stage": "pricing" });
      expect(r.status).toBe(400);
      expect(r.body.error.type).toBe("invalid_request_error");
      if (param) expect(r.body.error.param).toBe(param);
    });

    it("answers an unknown route with an OpenAI-style 404", async () => {
      const res = await fetch(`${h.gateway.url}/v1/completions`, { method: "POST" });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    });
  });

  describe("decision log and metrics", () => {
    it("writes one JSON log line per decision with conversation, stage, decision, score, nearest reply, variant, library version and latencies", async () => {
      h.upstream.reply = () => UNRELATED;
      const before = h.decisions().length;
      await h.chat(userTurn("便宜点"), { "x-dialogue-stage": "pricing", "x-conversation-id": "conv-log" });
      await new Promise((r) => setTimeout(r, 20)); // onResponse runs after the client has the answer
      const lines = h.decisions().slice(before);
      expect(lines).toHaveLength(1);
      const line = lines[0];
      expect(line).toMatchObject({
        event: "decision",
        conversationId: "conv-log",
        stage: "pricing",
        decision: "stage-fallback",
        reason: "below-threshold",
        threshold: 0.85,
        libraryVersion: "2025.06.1",
        libraryHash: loadLibrary(SAMPLE_LIBRARY).versionHash!.slice(0, 12),
        calledUpstream: true,
      });
      expect(PRICING_FALLBACKS.map((_t, i) => `pricing-fb-${"ab"[i]}`)).toContain(line.fallbackVariant);
      expect(line.nearestReplyId).toMatch(/^pricing-00\d$/);
      expect(typeof line.score).toBe("number");
      expect(Object.keys(line.latencyMs as object).sort()).toEqual(["embedding", "overhead", "search", "total", "upstream"]);
      expect(JSON.parse(JSON.stringify(line))).toEqual(line); // one JSON line
    });

    it("exposes decisions by stage and outcome, variants served, latency histograms and the library version", async () => {
      h.upstream.reply = () => CLOSE_TO_PRICING_001;
      await h.chat(userTurn("多少钱"), { "x-dialogue-stage": "pricing" });
      await h.chat(userTurn("x"), { "x-dialogue-stage": "no-such-stage" });
      await new Promise((r) => setTimeout(r, 20));
      const res = await fetch(`${h.gateway.url}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/llm_gateway_decisions_total\{stage="pricing",decision="approved",reason="similar-approved-reply"\} \d+/);
      expect(text).toMatch(/llm_gateway_decisions_total\{stage="unknown",decision="universal-fallback",reason="unknown-stage"\} \d+/);
      expect(text).toMatch(/llm_gateway_fallback_variant_total\{stage="pricing",variant="pricing-fb-[ab]"\} \d+/);
      for (const h2 of ["upstream", "embedding", "search", "request", "overhead"]) expect(text).toMatch(new RegExp(`llm_gateway_${h2}_seconds_count(\\{[^}]*\\})? [1-9]`));
      expect(text).toContain(`llm_gateway_library_info{version="2025.06.1",hash="${loadLibrary(SAMPLE_LIBRARY).versionHash!.slice(0, 12)}",embedding_model="fake-ngram-512"} 1`);
      expect(text).toContain("llm_gateway_ready 1");
    });
  });

  it("answers /healthz and /readyz once ready", async () => {
    expect((await fetch(`${h.gateway.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", libraryVersion: "2025.06.1", dimensions: 512 });
  });
});

describe("timeouts", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ upstream: { timeoutMs: 300 }, embeddingsTimeoutMs: 300 });
  });
  afterAll(() => h.close());

  it("answers a slow model with the fallback soon after upstream.timeoutMs, and a model just in time with the approved reply", async () => {
    h.upstream.mode = "slow";
    h.upstream.delayMs = 1500;
    let started = Date.now();
    const late = await h.chat(userTurn("多少钱"), { "x-dialogue-stage": "pricing" });
    expect([late.status, late.decision, late.headers.get("x-compliance-reason")]).toEqual([200, "stage-fallback", "upstream-timeout"]);
    expect(Date.now() - started).toBeLessThan(1000);
    h.upstream.delayMs = 100;
    h.upstream.reply = () => CLOSE_TO_PRICING_001;
    started = Date.now();
    const onTime = await h.chat(userTurn("多少钱"), { "x-dialogue-stage": "pricing" });
    expect(onTime.decision).toBe("approved");
  });

  it("answers a slow embedding service with the fallback", async () => {
    h.upstream.mode = "reply";
    h.embeddings.mode = "slow";
    h.embeddings.delayMs = 1500;
    const r = await h.chat(userTurn("多少钱"), { "x-dialogue-stage": "pricing" });
    expect([r.status, r.decision, r.headers.get("x-compliance-reason")]).toEqual([200, "stage-fallback", "embedding-error"]);
    h.embeddings.mode = "ok";
  });
});

describe("start-up: readiness, batches and the embedding cache", () => {
  // The sample library has 27 texts to embed, counted by hand: opening 3 replies + 4 intent
  // replies + 12 intent examples, pricing 5 replies, closing 3 replies (fallbacks are not embedded).
  const SAMPLE_TEXTS = 27;

  it("embeds the library in batches of embeddings.batchSize", async () => {
    const h = await startHarness({ batchSize: 10 });
    try {
      expect(h.embeddings.received.map((batch) => batch.length)).toEqual([10, 10, 7]);
      expect(new Set(h.embeddings.received.flat()).size).toBe(SAMPLE_TEXTS);
    } finally {
      await h.close();
    }
  });

  it("stays unready (503) while the embedding service fails at start, answers with fallbacks meanwhile, and turns ready once it recovers", async () => {
    const { startFakeEmbeddings, startFakeUpstream } = await import("./fakes");
    const fakes = { upstream: await startFakeUpstream(), embeddings: await startFakeEmbeddings() };
    fakes.embeddings.failNext = 1_000_000;
    const h = await startHarness({ fakes, noWait: true, retryDelaysMs: [30] });
    try {
      await new Promise((r) => setTimeout(r, 150));
      expect((await fetch(`${h.gateway.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${h.gateway.url}/healthz`)).status).toBe(200);
      const early = await h.chat(userTurn("多少钱"), { "x-dialogue-stage": "pricing" });
      expect([early.status, early.decision, early.headers.get("x-compliance-reason")]).toEqual([200, "stage-fallback", "not-ready"]);
      expect(h.logs.some((l) => l.event === "library-embed-failed")).toBe(true);
      fakes.embeddings.failNext = 0;
      await h.gateway.whenReady;
      expect((await fetch(`${h.gateway.url}/readyz`)).status).toBe(200);
    } finally {
      await h.close();
      await fakes.upstream.close();
      await fakes.embeddings.close();
    }
  });

  it("does not re-embed on a restart with the same library and model, and does when the library changes", async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const cacheDir = mkdtempSync(join(tmpdir(), "gateway-cache-"));
    try {
      const first = await startHarness({ cacheDir });
      expect(first.embeddings.received.flat()).toHaveLength(SAMPLE_TEXTS);
      await first.close();

      const second = await startHarness({ cacheDir });
      expect(second.embeddings.received).toHaveLength(0);
      expect(second.logs.find((l) => l.event === "library-indexed")).toMatchObject({ fromCache: true, texts: SAMPLE_TEXTS, dimensions: 512 });
      second.upstream.reply = () => CLOSE_TO_PRICING_001;
      expect((await second.chat(userTurn("多少钱"), { "x-dialogue-stage": "pricing" })).decision).toBe("approved");
      await second.close();

      const changed = readFileSync(SAMPLE_LIBRARY, "utf8").replace("threshold: 0.85", "threshold: 0.86");
      const third = await startHarness({ cacheDir, libraryYaml: changed });
      expect(third.embeddings.received.flat()).toHaveLength(SAMPLE_TEXTS);
      await third.close();
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe("shutdown", () => {
  it("answers a request in flight when the gateway is closed (no 5xx during a rollout)", async () => {
    const h = await startHarness();
    h.upstream.mode = "slow";
    h.upstream.delayMs = 300;
    h.upstream.reply = () => CLOSE_TO_PRICING_001;
    const inFlight = h.chat(userTurn("多少钱"), { "x-dialogue-stage": "pricing" });
    await new Promise((r) => setTimeout(r, 100));
    const closing = h.close();
    const r = await inFlight;
    await closing;
    expect([r.status, r.decision]).toEqual([200, "approved"]);
  });
});
