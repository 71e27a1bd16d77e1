import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { approvedCandidates, libraryVersionHash, loadLibrary, parseLibrary, validateLibrary } from "../../gateway/library";
import { SAMPLE_LIBRARY } from "./harness";

const MINIMAL = `
version: "v1"
threshold: 0.8
universalFallback: 稍后回复您
stages:
  - name: pricing
    replies:
      - { id: p-1, text: 一节课80元 }
`;

describe("library validation", () => {
  it("accepts the sample sales library and defaults an unmarked stage to the LLM mode", () => {
    const loaded = loadLibrary(SAMPLE_LIBRARY);
    expect(loaded.problems).toEqual([]);
    expect(loaded.library?.stages.map((s) => `${s.name}:${s.mode}`)).toEqual(["opening:scripted", "pricing:llm", "closing:llm"]);
  });

  it("names the key, the bad value and what is valid for wrong types, ranges and unknown keys", () => {
    const { problems } = parseLibrary(`
version: 1
threshold: 1.5
universalFallback: u
treshold: 0.3
stages:
  - name: a
    replies: [hello]
`);
    expect(problems).toEqual([
      'version: 1 is not valid; expected a string such as "2025.06.1" (quote it in YAML)',
      "threshold: 1.5 is not valid; expected a number in (0, 1]",
      'stages[0].replies[0]: "hello" is not valid; expected { id, text }',
      'unknown key "treshold" (valid keys: version, threshold, universalFallback, stages)',
    ]);
  });

  it("rejects a threshold of 0 and accepts a threshold of exactly 1 (the interval is (0, 1])", () => {
    expect(parseLibrary(MINIMAL.replace("threshold: 0.8", "threshold: 0")).problems).toEqual(["threshold: 0 is not valid; expected a number in (0, 1]"]);
    expect(parseLibrary(MINIMAL.replace("threshold: 0.8", "threshold: 1")).problems).toEqual([]);
    expect(parseLibrary(MINIMAL.replace("threshold: 0.8", "threshold: 1.0001")).problems).toEqual(["threshold: 1.0001 is not valid; expected a number in (0, 1]"]);
    expect(parseLibrary(MINIMAL.replace("threshold: 0.8", "threshold: 0.0001")).problems).toEqual([]);
  });

  it("rejects a stage threshold and an escalateBelow outside (0, 1]", () => {
    const { problems } = parseLibrary(`
version: "v1"
threshold: 0.8
universalFallback: u
stages:
  - name: pricing
    threshold: 1.2
    replies: [{ id: p-1, text: a }]
  - name: opening
    mode: scripted
    escalateBelow: -0.1
    intents: [{ name: hi, examples: [你好], reply: 您好 }]
`);
    expect(problems).toEqual([
      "stages[0].threshold: 1.2 is not valid; expected a number in (0, 1]",
      "stages[1].escalateBelow: -0.1 is not valid; expected a number in (0, 1]",
    ]);
  });

  it("finds duplicate stage names, LLM stages without replies, empty texts and duplicate replies, ids, intents and examples", () => {
    const { problems, library } = parseLibrary(`
version: "v1"
threshold: 0.8
universalFallback: " "
stages:
  - name: pricing
    replies: []
  - name: pricing
    replies:
      - {id: p-1, text: "a b"}
      - {id: p-1, text: "a  b"}
      - {id: p-2, text: ""}
    fallbacks: [{id: p-2, text: x}]
    intents: []
  - name: opening
    mode: scripted
    intents:
      - name: hi
        examples: []
        reply: ""
      - name: hi
        examples: ["yo", "yo "]
        reply: r
`);
    expect(library).toBeUndefined();
    expect(problems).toEqual([
      'universalFallback: " " is empty; give the reply sent when nothing else applies',
      "stages[0].replies: [] — an LLM stage needs at least one approved reply",
      'stages[1].name: "pricing" is also the name of stages[0]; stage names must be unique',
      "stages[1].intents: only a scripted stage (mode: scripted) has intents",
      'stages[1].replies[1].id: "p-1" is also the id of stages[1].replies[0]; reply ids must be unique in the library',
      'stages[1].replies[1].text: duplicates stages[1].replies[0].text ("a  b"); remove one',
      'stages[1].replies[2].text: "" is empty; an approved text must have words',
      'stages[1].fallbacks[0].id: "p-2" is also the id of stages[1].replies[2]; reply ids must be unique in the library',
      "stages[2].escalateBelow: is required for a scripted stage; expected a number in (0, 1] (below it the LLM answers)",
      'stages[2].intents[0].reply: "" is empty; give the scripted reply',
      "stages[2].intents[0].examples: the list is empty; give at least one example user message",
      'stages[2].intents[1].name: "hi" is also the name of stages[2].intents[0]; intent names must be unique in a stage',
      'stages[2].intents[1].examples[1]: "yo " duplicates stages[2].intents[1].examples[0]; an example belongs to one intent',
    ]);
  });

  it("accepts a scripted stage without replies of its own (its intents' replies are its approved texts)", () => {
    const { library, problems } = parseLibrary(`
version: "v1"
threshold: 0.8
universalFallback: u
stages:
  - name: opening
    mode: scripted
    escalateBelow: 0.7
    intents: [{ name: hi, examples: [你好], reply: 您好 }]
`);
    expect(problems).toEqual([]);
    expect(approvedCandidates(library!.stages[0])).toEqual([{ id: "intent:hi", text: "您好" }]);
  });

  it("rejects an empty stage list, a non-mapping document and YAML syntax errors", () => {
    expect(validateLibrary({ version: "v", threshold: 0.5, universalFallback: "u", stages: [] }).problems).toEqual([
      "stages: the list is empty; a library needs at least one stage",
    ]);
    expect(validateLibrary(["a"]).problems).toEqual(['(top level): ["a"] is not a library; expected a mapping with version, threshold, universalFallback, stages']);
    expect(parseLibrary("a: [").problems[0]).toMatch(/^YAML syntax error: .*line 1, column 5/);
    expect(parseLibrary(`${MINIMAL}\nthreshold: 0.5\n`).problems[0]).toMatch(/^YAML syntax error: Map keys must be unique/);
  });

  it("reports an unreadable file without throwing", () => {
    expect(loadLibrary("/nonexistent/library.yaml").problems).toEqual(['cannot read library file "/nonexistent/library.yaml": ENOENT']);
  });
});

describe("library version hash", () => {
  it("is the sha256 of the canonical JSON (sorted keys, defaults filled), written out here by hand", () => {
    const canonical =
      '{"stages":[{"fallbacks":[],"mode":"llm","name":"pricing","replies":[{"id":"p-1","text":"一节课80元"}]}],' +
      '"threshold":0.8,"universalFallback":"稍后回复您","version":"v1"}';
    const expected = createHash("sha256").update(canonical).digest("hex");
    expect(parseLibrary(MINIMAL).versionHash).toBe(expected);
  });

  it("does not change with comments, key order or layout, and changes with any text or threshold", () => {
    const base = parseLibrary(MINIMAL).versionHash;
    const reordered = `
# a comment
stages: [{ replies: [{ text: 一节课80元, id: p-1 }], name: pricing, mode: llm }]
universalFallback: 稍后回复您
threshold: 0.8
version: "v1"
`;
    expect(parseLibrary(reordered).versionHash).toBe(base);
    expect(parseLibrary(MINIMAL.replace("一节课80元", "一节课90元")).versionHash).not.toBe(base);
    expect(parseLibrary(MINIMAL.replace("threshold: 0.8", "threshold: 0.81")).versionHash).not.toBe(base);
  });

  it("is what libraryVersionHash gives for the loaded library, and the sample library's hash is stable", () => {
    const loaded = loadLibrary(SAMPLE_LIBRARY);
    expect(libraryVersionHash(loaded.library!)).toBe(loaded.versionHash);
    expect(loaded.versionHash).toMatch(/^[0-9a-f]{64}$/);
    expect(parseLibrary(readFileSync(SAMPLE_LIBRARY, "utf8")).versionHash).toBe(loaded.versionHash);
  });
});

describe("the library module is pure", () => {
  it("imports no server, network or embedding code, so the offline plan can use it", () => {
    const source = readFileSync(require.resolve("../../gateway/library"), "utf8");
    const imports = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    expect(imports.sort()).toEqual(["./problems", "node:crypto", "node:fs", "yaml", "zod"]);
  });
});
