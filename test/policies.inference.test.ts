import { RecordedResource } from "../infra/plan/record";
import {
  inferenceImageAdvisories,
  inferenceImageAdvisoriesPolicy,
  inferenceImageAligned,
  inferenceModelFits,
  inferenceOnInferencePool,
  inferenceOutputCapped,
  inferenceRemoteCode,
  inferenceReplicasCoverTraffic,
  inferenceScaleToZeroWakes,
} from "../policies/inference";
import { runPolicies } from "../policies/run";
import { referencePlan } from "./helpers/plan";

type Policy = Parameters<typeof runPolicies>[0][number];
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const ANNOTATION = "llm-platform/inference-endpoint";

/** A reference stack's recorded resources, with its endpoint (and anything else) edited. */
async function stackWith(stack: string, edit: (resources: RecordedResource[]) => void): Promise<RecordedResource[]> {
  const resources = structuredClone((await referencePlan(stack)).resources) as RecordedResource[];
  edit(resources);
  return resources;
}
const deployment = (rs: RecordedResource[]) => rs.find((r) => r.type === DEPLOYMENT && (r.inputs as any).metadata.annotations?.[ANNOTATION])!.inputs as any;
const vllm = (rs: RecordedResource[]) => deployment(rs).spec.template.spec.containers[0];
const scaler = (rs: RecordedResource[]) => rs.find((r) => r.type === SCALED_OBJECT)!.inputs as any;
const setArg = (args: string[], flag: string, value: string) => {
  args[args.indexOf(flag) + 1] = value;
};
const messages = async (policy: Policy, resources: RecordedResource[]) => (await runPolicies([policy], resources)).violations.map((v) => `${v.enforcement}: ${v.message}`);
const ALL = [inferenceOnInferencePool, inferenceModelFits, inferenceOutputCapped, inferenceImageAligned, inferenceReplicasCoverTraffic, inferenceScaleToZeroWakes];

describe("inference policies on the reference stacks", () => {
  it.each(["prod", "staging", "onprem"])("all mandatory ones pass on %s as declared", async (stack) => {
    const resources = await stackWith(stack, () => undefined);
    for (const policy of ALL) expect([policy.name, await messages(policy, resources)]).toEqual([policy.name, []]);
  });
});

describe("policy inference-model-fits (mandatory)", () => {
  it("refuses a context the L40S cannot hold for 32 sequences, naming the memory needed and what would fit", async () => {
    const resources = await stackWith("prod", (rs) => setArg(vllm(rs).args, "--max-model-len", "8192"));
    // 15.0 GiB of weights + 131,072 B × 8,192 × 32 = 32 GiB of KV, against 0.85 × 48 GiB = 40.8 GiB
    expect(await messages(inferenceModelFits, resources)).toEqual([
      "mandatory: endpoint sales-dialogue/sales-assistant needs 47.0 GiB per replica (weights 15.0 GiB + KV 32.0 GiB for 32 sequences × 8192 tokens), but 1 × L40S on pool infer-l40s give 40.8 GiB usable (85 % of 48 GiB each); would fit: concurrencyPerReplica ≤ 25, or maxModelLen ≤ 6615, or gpusPerReplica 2",
    ]);
  });

  it("says when no GPU count on the pool's nodes would hold it", async () => {
    const resources = await stackWith("prod", (rs) => {
      setArg(vllm(rs).args, "--max-model-len", "8192");
      setArg(vllm(rs).args, "--max-num-seqs", "200");
    });
    expect(await messages(inferenceModelFits, resources)).toEqual([
      "mandatory: endpoint sales-dialogue/sales-assistant needs 215.0 GiB per replica (weights 15.0 GiB + KV 200.0 GiB for 200 sequences × 8192 tokens), but 1 × L40S on pool infer-l40s give 40.8 GiB usable (85 % of 48 GiB each); would fit: concurrencyPerReplica ≤ 25, or maxModelLen ≤ 1058, or a pool with more memory per GPU (4 × L40S per node cannot hold it)",
    ]);
  });

  it("refuses a command line without --max-model-len", async () => {
    const resources = await stackWith("prod", (rs) => {
      const args = vllm(rs).args as string[];
      args.splice(args.indexOf("--max-model-len"), 2);
    });
    expect(await messages(inferenceModelFits, resources)).toEqual([
      "mandatory: endpoint sales-dialogue/sales-assistant sets no --max-model-len: vLLM would reserve KV cache for the model's full context",
    ]);
  });
});

describe("policy inference-output-capped (mandatory)", () => {
  it("refuses an endpoint without a server-side cap", async () => {
    const resources = await stackWith("prod", (rs) => {
      const args = vllm(rs).args as string[];
      args.splice(args.indexOf("--override-generation-config"), 2);
    });
    expect(await messages(inferenceOutputCapped, resources)).toEqual([
      "mandatory: endpoint sales-dialogue/sales-assistant has no output cap: set maxOutputTokens (rendered as --override-generation-config '{\"max_new_tokens\": N}'); without it a client may ask for every token of the context",
    ]);
  });

  it("refuses a cap in a release that does not enforce it, before and after the window", async () => {
    for (const [version, why] of [["0.16.0", "vllm#34063 made it a default an explicit max_tokens overrides"], ["0.6.3", "it predates vllm#12242"]]) {
      const resources = await stackWith("prod", (rs) => {
        vllm(rs).image = vllm(rs).image.replace("v0.11.0", `v${version}`);
      });
      expect(await messages(inferenceOutputCapped, resources)).toEqual([
        `mandatory: endpoint sales-dialogue/sales-assistant: vLLM ${version} does not enforce max_new_tokens 512 as a ceiling (${why}); serve a release from 0.8.0 up to 0.16.0`,
      ]);
    }
  });
});

describe("policy inference-output-capped (mandatory), unknown release", () => {
  it("refuses a cap whose image names no vLLM release", async () => {
    const resources = await stackWith("prod", (rs) => {
      vllm(rs).image = "registry.example.com/vllm-openai:latest";
    });
    expect(await messages(inferenceOutputCapped, resources)).toEqual([
      "mandatory: endpoint sales-dialogue/sales-assistant caps replies at 512 tokens, but image registry.example.com/vllm-openai:latest names no vLLM release, so whether the cap holds is unknown (use the platform's vllm-openai:v<version> image)",
    ]);
  });
});

describe("policy inference-on-inference-pool (mandatory)", () => {
  it("refuses an endpoint on a training pool, and one on a pool the stack lacks", async () => {
    const onTraining = await stackWith("prod", (rs) => {
      deployment(rs).metadata.annotations[ANNOTATION] = deployment(rs).metadata.annotations[ANNOTATION].replace('"pool":"infer-l40s"', '"pool":"train-h100"');
    });
    expect(await messages(inferenceOnInferencePool, onTraining)).toEqual([
      "mandatory: endpoint sales-dialogue/sales-assistant runs on pool train-h100, a training pool; endpoints run on inference pools (infer-l40s)",
    ]);
    const missing = await stackWith("prod", (rs) => {
      deployment(rs).metadata.annotations[ANNOTATION] = deployment(rs).metadata.annotations[ANNOTATION].replace('"pool":"infer-l40s"', '"pool":"infer-h100"');
    });
    expect(await messages(inferenceOnInferencePool, missing)).toEqual(["mandatory: endpoint sales-dialogue/sales-assistant names pool infer-h100, which the stack does not have"]);
  });
});

describe("policy inference-image-aligned (mandatory)", () => {
  it("refuses an image that is not the platform's mirrored serving image", async () => {
    const resources = await stackWith("prod", (rs) => {
      vllm(rs).image = "docker.io/vllm/vllm-openai:latest";
    });
    expect(await messages(inferenceImageAligned, resources)).toEqual([
      "mandatory: endpoint sales-dialogue/sales-assistant runs docker.io/vllm/vllm-openai:latest, not the platform's serving image 444455556666.dkr.ecr.us-east-1.amazonaws.com/llm-platform/vllm-openai:v<vLLM version> chosen by the alignment module",
    ]);
  });

  it("refuses a vLLM whose PyTorch wheel has no kernels for the V100s, naming the nearest release that works", async () => {
    const resources = await stackWith("onprem", (rs) => {
      vllm(rs).image = vllm(rs).image.replace(/v0\.11\.0@sha256:[0-9a-f]+/, "v0.9.2");
    });
    expect(await messages(inferenceImageAligned, resources)).toEqual([
      "mandatory: endpoint sales-dialogue/sales-assistant (V100 on pool infer-v100, driver 535.230.02, vLLM 0.9.2): vLLM 0.9.2 pins PyTorch 2.7.0, whose CUDA 12.8 wheel has no kernels for sm70 (V100; built for 7.5, 8.0, 8.6, 9.0, 10.0, 12.0); nearest working release: vLLM 0.8.5 (PyTorch 2.6.0, CUDA 12.4)",
    ]);
  });

  it("refuses a vLLM whose CUDA cannot target Volta or run on the nodes' driver", async () => {
    const resources = await stackWith("onprem", (rs) => {
      vllm(rs).image = vllm(rs).image.replace(/v0\.11\.0@sha256:[0-9a-f]+/, "v0.29.0");
    });
    const [message] = await messages(inferenceImageAligned, resources);
    expect(message).toMatch(/^mandatory: endpoint sales-dialogue\/sales-assistant \(V100 on pool infer-v100, driver 535\.230\.02, vLLM 0\.29\.0\): /);
    expect(message).toContain("vLLM 0.29.0's wheel and image are CUDA 13.0, which cannot target sm70 (V100)");
    expect(message).toContain("driver 535.230.02 is too old for vLLM 0.29.0's CUDA 13.0");
  });
});

describe("policy inference-image-advisories (advisory)", () => {
  it("passes prod's pinned 0.11.0 on R580 L40S nodes", async () => {
    const check = () => ({ findings: [] });
    expect(await messages(inferenceImageAdvisoriesPolicy(check), await stackWith("prod", () => undefined))).toEqual([]);
  });

  it("advises on an image pinned by tag only", async () => {
    const check = () => ({ findings: [] });
    const resources = await stackWith("prod", (rs) => {
      vllm(rs).image = vllm(rs).image.split("@")[0];
    });
    expect(await messages(inferenceImageAdvisoriesPolicy(check), resources)).toEqual([
      "advisory: endpoint sales-dialogue/sales-assistant runs 444455556666.dkr.ecr.us-east-1.amazonaws.com/llm-platform/vllm-openai:v0.11.0 by tag only: pin its digest in images.digests (a tag can be moved)",
    ]);
  });

  it("passes on the V100s' limitations as advice: minor-version CUDA compatibility, no FlashAttention", async () => {
    const advice = await messages(inferenceImageAdvisories, await stackWith("onprem", () => undefined));
    expect(advice).toEqual(expect.arrayContaining([
      "advisory: endpoint sales-dialogue/sales-assistant: [limited] driver 535.230.02 runs vLLM 0.11.0's CUDA 12.8 only under minor-version compatibility (full support from 570.26)",
      "advisory: endpoint sales-dialogue/sales-assistant: [limited] V100 (7.0) is served without FlashAttention (needs ≥ 8.0); vLLM falls back to a slower attention backend",
    ]));
  });
});

describe("policy inference-replicas-cover-traffic (advisory)", () => {
  it("warns when replicas.max cannot carry the configured traffic", async () => {
    const resources = await stackWith("prod", (rs) => {
      scaler(rs).spec.maxReplicaCount = 5;
    });
    expect(await messages(inferenceReplicasCoverTraffic, resources)).toEqual([
      "advisory: endpoint sales-dialogue/sales-assistant: 20 req/s at 3.36 replies/s per replica needs 6 replicas, but replicas.max is 5: requests will queue",
    ]);
  });

  it("passes at exactly the replicas needed", async () => {
    const resources = await stackWith("prod", (rs) => {
      scaler(rs).spec.maxReplicaCount = 6;
    });
    expect(await messages(inferenceReplicasCoverTraffic, resources)).toEqual([]);
  });

  it("warns when no ScaledObject scales the endpoint", async () => {
    const resources = await stackWith("prod", (rs) => rs.splice(rs.findIndex((r) => r.type === SCALED_OBJECT), 1));
    expect(await messages(inferenceReplicasCoverTraffic, resources)).toEqual(["advisory: endpoint sales-dialogue/sales-assistant has no ScaledObject: it never scales with its traffic"]);
  });
});

describe("policy inference-scale-to-zero-wakes (advisory)", () => {
  it("warns when an endpoint parked at zero has only vLLM's own metrics to wake on", async () => {
    const resources = await stackWith("prod", (rs) => {
      scaler(rs).spec.minReplicaCount = 0;
    });
    expect(await messages(inferenceScaleToZeroWakes, resources)).toEqual([
      "advisory: sales-dialogue/sales-assistant-vllm scales to zero on vLLM's own metrics only: with no pod left they vanish and the endpoint never wakes",
    ]);
  });

  it("passes one with the gateway's pending-requests trigger", async () => {
    const resources = await stackWith("prod", (rs) => {
      scaler(rs).spec.minReplicaCount = 0;
      scaler(rs).spec.triggers.push({ type: "prometheus", name: "gateway-pending", metadata: { query: 'sum(llm_gateway_pending_requests{endpoint="sales-assistant"})', threshold: "5" } });
    });
    expect(await messages(inferenceScaleToZeroWakes, resources)).toEqual([]);
  });
});

describe("policy inference-remote-code (advisory)", () => {
  it("advises on the on-prem ChatGLM endpoint, which runs its tokenizer's own code", async () => {
    expect(await messages(inferenceRemoteCode, await stackWith("onprem", () => undefined))).toEqual([
      "advisory: endpoint sales-dialogue/sales-assistant: model sales-glm6b runs its own code (trust_remote_code) from its weights; review that code, which the server runs with the team's volume mounted",
    ]);
  });

  it("passes prod's Llama endpoint, which runs none", async () => {
    expect(await messages(inferenceRemoteCode, await stackWith("prod", () => undefined))).toEqual([]);
  });
});
