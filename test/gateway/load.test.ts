/** A bounded load test: 300 requests at 100 requests/s on loopback, stopping by itself. */
import { quantile, runOpenLoop } from "./loadGenerator";
import { startHarness, userTurn, type Harness } from "./harness";

describe("load", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    // Alternate the model between words close to an approved reply and unrelated words.
    h.upstream.reply = (messages) =>
      String(messages[messages.length - 1]?.content).endsWith("0")
        ? "我们的课程按课时收费，一节25分钟的一对一外教课折合下来大概80元，买得越多单价越低。"
        : "可以的，我私下给您打个五折。";
  });
  afterAll(() => h.close());

  it("answers 300 requests at 100 requests/s with no error, each with a decision, within the bound", async () => {
    const stages = ["pricing", "opening", "closing", "after-sales"];
    const result = await runOpenLoop({
      origin: h.gateway.url,
      ratePerSecond: 100,
      count: 300,
      maxDurationMs: 10_000,
      request: (i) => ({
        path: "/v1/chat/completions",
        headers: { "x-dialogue-stage": stages[i % stages.length], "x-conversation-id": `load-${i % 37}` },
        body: userTurn(i % 8 === 1 ? "你好" : `第${i}个问题 ${i % 2 === 0 ? "0" : "1"}`),
      }),
    });
    await new Promise((r) => setTimeout(r, 50));
    const overhead = h.decisions().map((d) => (d.latencyMs as { overhead: number }).overhead);
    process.stdout.write(
      `load: ${result.sent} sent, ${result.ok} ok, ${result.errors} errors in ${(result.durationMs / 1000).toFixed(2)} s; ` +
        `client p99 ${quantile(result.latenciesMs, 0.99).toFixed(1)} ms; gateway overhead p99 ${quantile(overhead, 0.99).toFixed(2)} ms; ` +
        `decisions ${JSON.stringify(result.decisions)}\n`,
    );
    expect(result.errorSamples).toEqual([]);
    expect([result.sent, result.ok, result.errors]).toEqual([300, 300, 0]);
    expect(h.decisions()).toHaveLength(300);
    // 300 requests at 100/s take 2.99 s to send; the whole run must stop well within its bound.
    expect(result.durationMs).toBeGreaterThan(2900);
    expect(result.durationMs).toBeLessThan(10_000);
    expect(Object.keys(result.decisions).sort()).toEqual(["approved", "scripted", "stage-fallback", "universal-fallback"]);
  });
});
