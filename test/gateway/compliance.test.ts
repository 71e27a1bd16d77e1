import { decide, lastUserText, type ComplianceDeps } from "../../gateway/compliance";
import { DependencyError } from "../../gateway/http";
import { approvedCandidates, parseLibrary, type Library } from "../../gateway/library";
import type { LibraryIndex, StageSearch } from "../../gateway/libraryIndex";

// Boundaries of the thresholds, with the search stubbed to return a chosen score: the HTTP tests
// exercise the real embeddings and search, these pin the comparisons exactly.
const LIBRARY = parseLibrary(`
version: "v1"
threshold: 0.8
universalFallback: 稍后回复您
stages:
  - name: pricing
    replies: [{ id: p-1, text: 一节课80元 }]
    fallbacks: [{ id: p-fb, text: 价格稍后发您 }]
  - name: strict
    threshold: 0.9
    replies: [{ id: s-1, text: 全额退款 }]
  - name: opening
    mode: scripted
    escalateBelow: 0.72
    intents: [{ name: greeting, examples: [你好], reply: 您好，我是顾问小林 }]
    replies: [{ id: o-1, text: 体验课免费 }]
`).library as Library;

function deps(scores: { reply?: number; intent?: number }, chat = async () => ({ content: "model words" })): ComplianceDeps & { chatCalls: number } {
  const state = { chatCalls: 0 };
  const index: LibraryIndex = {
    dimensions: 2,
    memoryBytes: 0,
    stage(name) {
      const stage = LIBRARY.stages.find((s) => s.name === name);
      if (!stage) return undefined;
      const search: StageSearch = {
        stage,
        candidates: approvedCandidates(stage),
        candidateIndex: { top1: () => ({ row: 0, score: scores.reply ?? 0, candidates: 1 }) },
        examples: stage.mode === "scripted" ? stage.intents.flatMap((intent) => intent.examples.map((text) => ({ intent, text }))) : [],
        ...(stage.mode === "scripted" ? { exampleIndex: { top1: () => ({ row: 0, score: scores.intent ?? 0, candidates: 1 }) } } : {}),
      };
      return search;
    },
  };
  return Object.assign(state, {
    library: LIBRARY,
    index,
    embed: async () => new Float32Array([1, 0]),
    chat: {
      complete: async () => {
        state.chatCalls++;
        return chat();
      },
    },
  });
}

const turn = (stage: string, user = "多少钱") => ({ stage, conversationId: "c-1", messages: [{ role: "user", content: user }], params: {} });

describe("LLM stage threshold", () => {
  it.each([
    [0.8, "approved"],
    [0.79999, "stage-fallback"],
    [0.80001, "approved"],
  ])("a reply scoring %s against the library threshold 0.8 is %s", async (score, expected) => {
    const d = await decide(deps({ reply: score }), turn("pricing"));
    expect(d.decision).toBe(expected);
    expect(d.threshold).toBe(0.8);
    expect(d.text).toBe(expected === "approved" ? "一节课80元" : "价格稍后发您");
  });

  it.each([
    [0.9, "approved"],
    [0.89999, "universal-fallback"],
    [0.85, "universal-fallback"],
  ])("a stage's own threshold 0.9 replaces the library's: score %s is %s (no stage fallbacks → universal)", async (score, expected) => {
    const d = await decide(deps({ reply: score }), turn("strict"));
    expect(d.decision).toBe(expected);
    expect(d.threshold).toBe(0.9);
    if (expected !== "approved") expect(d.text).toBe("稍后回复您");
  });
});

describe("scripted stage escalation", () => {
  it.each([
    [0.72, "scripted", 0],
    [0.71999, "approved", 1],
    [0.72001, "scripted", 0],
  ])("an intent similarity of %s against escalateBelow 0.72 gives %s (%s LLM calls)", async (intentScore, expected, calls) => {
    const d = deps({ intent: intentScore, reply: 0.95 });
    const decision = await decide(d, turn("opening", "你好"));
    expect(decision.decision).toBe(expected);
    expect(d.chatCalls).toBe(calls);
    if (expected === "scripted") {
      expect(decision.text).toBe("您好，我是顾问小林");
      expect(decision.sentId).toBe("intent:greeting");
      expect(decision.score).toBe(intentScore);
    } else {
      expect(decision.intent).toBe("greeting");
      expect(decision.intentScore).toBe(intentScore);
    }
  });

  it("goes to the LLM when there is no user message to match", async () => {
    const d = deps({ intent: 1, reply: 0.95 });
    const decision = await decide(d, { ...turn("opening"), messages: [{ role: "system", content: "你是销售顾问" }] });
    expect(decision.decision).toBe("approved");
    expect(d.chatCalls).toBe(1);
  });
});

describe("failures become fallbacks, never exceptions", () => {
  it("names an upstream timeout, HTTP error and malformed answer in the reason", async () => {
    for (const [kind, reason] of [
      ["timeout", "upstream-timeout"],
      ["http", "upstream-error"],
      ["network", "upstream-error"],
      ["malformed", "upstream-malformed"],
    ] as const) {
      const d = await decide(
        deps({ reply: 1 }, async () => {
          throw new DependencyError(kind, "boom");
        }),
        turn("pricing"),
      );
      expect([d.decision, d.reason, d.text]).toEqual(["stage-fallback", reason, "价格稍后发您"]);
    }
  });

  it("answers an internal error with a fallback", async () => {
    const d = deps({ reply: 1 });
    const broken = { ...d, index: { ...d.index!, stage: () => ({ ...d.index!.stage("pricing")!, candidateIndex: { top1: () => { throw new Error("bug"); } } }) } };
    const decision = await decide(broken, turn("pricing"));
    expect([decision.decision, decision.reason, decision.error]).toEqual(["stage-fallback", "internal-error", "bug"]);
  });

  it("answers before the library is indexed with the stage's fallback, without calling the model", async () => {
    const d = deps({ reply: 1 });
    const decision = await decide({ ...d, index: undefined }, turn("pricing"));
    expect([decision.decision, decision.reason, d.chatCalls]).toEqual(["stage-fallback", "not-ready", 0]);
  });
});

describe("the user's last message", () => {
  it("is the last user turn, with text content parts joined", () => {
    expect(
      lastUserText([
        { role: "user", content: "一" },
        { role: "assistant", content: "二" },
        { role: "user", content: [{ type: "text", text: "三" }, { type: "image_url", image_url: {} }, { type: "text", text: "四" }] },
        { role: "system", content: "五" },
      ]),
    ).toBe("三\n四");
  });
});
