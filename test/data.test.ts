import { parseSpec } from "../infra/config/spec";
import { hubEnv, isHubRepo, isStagedPath, modelSourceProblems } from "../infra/data/modelSource";
import { canonicalJson, tokeniseJobConfig } from "../infra/data/tokenise";
import { referenceConfig, withValues } from "./helpers/stacks";

const noTrust = { trustRemoteCode: false };

describe("the tokenise job's identity and manifest key", () => {
  it("writes canonical JSON as Python's json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=False) does", () => {
    // python3 -c 'import json; print(json.dumps({"b":1,"a":[{"d":"é","c":None}],"n":1.5,"t":True}, sort_keys=True, separators=(",",":"), ensure_ascii=False))'
    expect(canonicalJson({ b: 1, a: [{ d: "é", c: null }], n: 1.5, t: true })).toBe('{"a":[{"c":null,"d":"é"}],"b":1,"n":1.5,"t":true}');
    expect(canonicalJson([])).toBe("[]");
    expect(canonicalJson({})).toBe("{}");
    expect(canonicalJson("x")).toBe('"x"');
  });

  it("keys prod's shards by the sha256 of their identity, as jobs/tokenise/manifest.py does", () => {
    const spec = parseSpec(referenceConfig("prod"));
    const config = tokeniseJobConfig(spec, spec.datasets[0]);
    expect(config.identity).toEqual({
      dataset: "sales-dialogue",
      version: "2026-11-01",
      tokenizer: "meta-llama/Llama-3.1-8B-Instruct",
      hygiene: {
        maxSourceLength: 1024,
        maxTargetLength: 1024,
        fillerWords: ["uh-huh", "ah", "um", "er"],
        bannedPatterns: ["transfer(red)? (you )?to a (human|live) agent"],
        featureTags: ["ageBand", "gender", "region", "segment"],
      },
      // 2 nodes × 8 GPUs; 3 M samples of 900 × 4 + 24 B in 1 GiB shards: 11 needed → 16
      shardPlan: { shardCount: 16, worldSize: 16, tokenBytes: 4 },
    });
    // python3: hashlib.sha256(json.dumps(identity, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
    expect(config.manifestKey).toBe("7d588eb28786d7cdac2415f676a62c328a918c7968891c678350f4aa1ef09e8a");
    expect(config).toMatchObject({
      dataRoot: "/data",
      shardDir: "shards/sales-dialogue/7d588eb28786d7cdac2415f676a62c328a918c7968891c678350f4aa1ef09e8a",
      parallelism: 16, // one worker per rank unless the data set says otherwise
      loading: { trustRemoteCode: false, offline: false },
    });
  });

  it("takes the data set's parallelism, and loads a staged tokenizer offline", () => {
    const spec = parseSpec(referenceConfig("prod"));
    const staged = { ...spec.datasets[0], tokenizer: "/data/models/llama", tokeniseParallelism: 4 };
    expect(tokeniseJobConfig(spec, staged)).toMatchObject({ parallelism: 4, loading: { offline: true } });
    expect(tokeniseJobConfig(spec, { ...staged, tokenizer: "/database/llama" }).loading.offline).toBe(false);
  });

  it("refuses a data set whose shard pool does not exist, naming both", () => {
    const spec = parseSpec(referenceConfig("prod"));
    expect(() => tokeniseJobConfig(spec, { ...spec.datasets[0], shardFor: { pool: "nowhere", nodes: 2 } })).toThrow(new Error("data set sales-dialogue: no pool named nowhere"));
  });
});

describe("model sources", () => {
  it.each([
    ["org/name", true],
    ["a/b", true],
    ["Org-1/name_2.v3", true],
    ["-org/name", false], // a repository id starts with a letter or digit
    ["org/.name", false],
    ["org/", false],
    ["/org/name", false],
    ["org/name/", false],
  ])("reads %s as a hub repository: %s", (name, expected) => {
    expect(isHubRepo(name)).toBe(expected);
  });

  it("counts only paths under /data/ as staged", () => {
    expect([isStagedPath("/data/models/x"), isStagedPath("/data"), isStagedPath("/database/x"), isStagedPath("data/x")]).toEqual([true, false, false, false]);
  });

  it("explains each problem with the config key to change", () => {
    expect(modelSourceProblems("meta-llama/Llama-3.1-8B-Instruct", noTrust, "model")).toEqual([{
      key: "hubTokenSecret",
      message: "is required: meta-llama/Llama-3.1-8B-Instruct is a gated Hugging Face repository and the job would fail with 401 Unauthorized (give { name, key } of a Secret in the team's namespace holding a token with access, or stage the model on shared storage and name its path)",
    }]);
    expect(modelSourceProblems("google/gemma-2-9b", noTrust, "tokenizer").map((p) => p.key)).toEqual(["hubTokenSecret"]);
    expect(modelSourceProblems("google/flan-t5-base", noTrust, "tokenizer")).toEqual([]); // google gates Gemma, not every repository
    expect(modelSourceProblems("THUDM/chatglm2-6b", noTrust, "model")).toEqual([{
      key: "trustRemoteCode",
      message: "must be true: THUDM/chatglm2-6b ships its tokenizer as code in the repository, which transformers loads only with trust_remote_code (set trustRemoteCode: true; the plan then advises that the repository's code runs in the job)",
    }]);
    // a staged copy of a gated repository needs no token; a path outside /data names the model key
    expect(modelSourceProblems("/data/models/meta-llama/Llama-3.1-8B", noTrust, "model")).toEqual([]);
    expect(modelSourceProblems("/models/x", noTrust, "tokenizer").map((p) => p.key)).toEqual(["tokenizer"]);
    expect(modelSourceProblems("gpt2", noTrust, "model")).toEqual([{ key: "name", message: '"gpt2" is neither a Hugging Face repository ("org/name") nor a path on the shared volume (/data/…)' }]);
  });

  it("gives pods the shared hub cache, the token from the Secret, and no hub for staged copies", () => {
    expect(hubEnv("/data/cache/huggingface", { trustRemoteCode: false, tokenSecret: { name: "hf-token", key: "token" } }, false)).toEqual([
      { name: "HF_HOME", value: "/data/cache/huggingface" },
      { name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token", key: "token" } } },
    ]);
    expect(hubEnv("/h", noTrust, true)).toEqual([{ name: "HF_HOME", value: "/h" }, { name: "HF_HUB_OFFLINE", value: "1" }]);
  });
});

describe("data sets cut for another topology", () => {
  it("rounds the shard count up to a multiple of the ranks the data set is cut for", () => {
    const spec = parseSpec(withValues(referenceConfig("prod"), {}));
    const config = tokeniseJobConfig(spec, { ...spec.datasets[0], shardFor: { pool: "train-h100", nodes: 3 } });
    // 3 × 8 = 24 ranks: 11 shards needed → 24
    expect(config.identity.shardPlan).toEqual({ shardCount: 24, worldSize: 24, tokenBytes: 4 });
  });
});
