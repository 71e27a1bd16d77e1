/** The official OpenAI client library, unchanged, against the gateway. */
import OpenAI from "openai";
import { loadLibrary } from "../../gateway/library";
import { SAMPLE_LIBRARY, startHarness, type Harness } from "./harness";

const SAMPLE = loadLibrary(SAMPLE_LIBRARY).library!;
const PRICING_001 = SAMPLE.stages.find((s) => s.name === "pricing")!.replies[0].text;

describe("the official openai client", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.upstream.reply = () => "我们的课程按课时收费，一节25分钟的一对一外教课折合下来大概80元，买得越多单价越低。";
  });
  afterAll(() => h.close());

  it("works with the stage and conversation as default headers, and reads the decision headers", async () => {
    const client = new OpenAI({
      apiKey: "not-checked-by-the-gateway",
      baseURL: `${h.gateway.url}/v1`,
      defaultHeaders: { "x-dialogue-stage": "pricing", "x-conversation-id": "conv-sdk-1" },
      maxRetries: 0,
    });
    const { data, response } = await client.chat.completions
      .create({ model: "sales", messages: [{ role: "user", content: "正式课多少钱一节？" }], max_tokens: 100 })
      .withResponse();
    expect(data.choices[0].message.content).toBe(PRICING_001);
    expect(data.object).toBe("chat.completion");
    expect(response.headers.get("x-compliance-decision")).toBe("approved");
    expect(Number(response.headers.get("x-compliance-score"))).toBeGreaterThanOrEqual(0.85);
    expect(response.headers.get("x-conversation-id")).toBe("conv-sdk-1");
  });

  it("works with the headers per request, and surfaces a missing stage as a BadRequestError", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: `${h.gateway.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create(
      { model: "sales", messages: [{ role: "user", content: "正式课多少钱一节？" }] },
      { headers: { "x-dialogue-stage": "pricing", "x-conversation-id": "conv-sdk-2" } },
    );
    expect(completion.choices[0].message.content).toBe(PRICING_001);

    const refused = client.chat.completions.create({ model: "sales", messages: [{ role: "user", content: "hi" }] });
    await expect(refused).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(refused).rejects.toMatchObject({ status: 400, code: "missing_dialogue_stage", param: "x-dialogue-stage" });
  });
});
