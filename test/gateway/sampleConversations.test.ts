/**
 * Replays the sample conversation set through a running gateway (fake model that says each turn's
 * `model` words, fake n-gram embeddings) and reports the decision mix.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { startHarness, userTurn } from "./harness";

interface SampleTurn {
  stage: string;
  user: string;
  model?: string;
  expect: string;
}
const SET = resolve(__dirname, "../../gateway/samples/sales-conversations.yaml");
const conversations = (parse(readFileSync(SET, "utf8")) as { conversations: Array<{ id: string; turns: SampleTurn[] }> }).conversations;

describe("the sample sales conversations", () => {
  it("get the decisions a reviewer expects, turn by turn, and the decision mix is reported", async () => {
    const modelWords = new Map<string, string>();
    for (const c of conversations) for (const t of c.turns) if (t.model) modelWords.set(t.user, t.model);
    const h = await startHarness();
    h.upstream.reply = (messages) => modelWords.get(String(messages[messages.length - 1].content)) ?? "（模型不该被调用）";
    try {
      const mix: Record<string, number> = {};
      const got: string[] = [];
      const expected: string[] = [];
      for (const c of conversations) {
        const history: Array<{ role: string; content: string }> = [];
        for (const [i, t] of c.turns.entries()) {
          history.push({ role: "user", content: t.user });
          const r = await h.chat(userTurn("", { messages: history }), { "x-dialogue-stage": t.stage, "x-conversation-id": c.id });
          expect(r.status).toBe(200);
          history.push({ role: "assistant", content: r.content! });
          mix[r.decision!] = (mix[r.decision!] ?? 0) + 1;
          got.push(`${c.id}#${i + 1} ${t.stage}: ${r.decision} (${r.headers.get("x-compliance-reply-id")}, ${r.score.toFixed(3)})`);
          expected.push(`${c.id}#${i + 1} ${t.stage}: ${t.expect}`);
        }
      }
      const total = Object.values(mix).reduce((a, b) => a + b, 0);
      process.stdout.write(
        `sample conversations: ${conversations.length} conversations, ${total} turns; decision mix: ` +
          Object.entries(mix)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => `${k} ${v} (${Math.round((100 * v) / total)} %)`)
            .join(", ") +
          `\n${got.map((g) => `  ${g}`).join("\n")}\n`,
      );
      expect(got.map((g) => g.replace(/ \(.*\)$/, ""))).toEqual(expected);
    } finally {
      await h.close();
    }
  });
});
