/**
 * vLLM's OpenAI-compatible server as the platform runs it (pure): the command line, the
 * environment, the port and paths, and the facts about which releases honour which flag. Read at
 * the releases the alignment module picks (docs.vllm.ai/en/v<version>/ "Engine Arguments").
 */
import type { GpuModelName } from "../catalog/gpus";
import { GPU_MODELS } from "../catalog/gpus";
import type { InferenceEndpointSpec } from "../config/types";
import { compareVersions } from "../compat/version";
import { GPU_MEMORY_UTILIZATION } from "./memory";

/** The server's port; /health answers 200 once the engine is up, /metrics serves Prometheus text
 * (production-stack helm/values.yaml at vllm-stack-0.1.12: containerPort 8000, probes on /health). */
export const VLLM_PORT = 8000;
export const VLLM_PORT_NAME = "http";
export const HEALTH_PATH = "/health";
export const METRICS_PATH = "/metrics";
/** Requests queued / in the running batch (vLLM metrics; the chart's KEDA trigger scales on the first). */
export const QUEUE_METRIC = "vllm:num_requests_waiting";
export const RUNNING_METRIC = "vllm:num_requests_running";

/** Where the pod sees its weights and adapters. */
export const MODEL_DIR = "/models/base";
export const LORA_DIR = "/models/lora";

/**
 * The server-side cap on a reply's tokens is `max_new_tokens` in --override-generation-config:
 * vllm#12242 made it the ceiling of every request (min of context, request and server limit) and
 * vllm#12409 added the flag, both merged for 0.8.0 (docs v0.8.x list --override-generation-config);
 * vllm#34063 (opened 2026-02-07) turned it back into a mere default that an explicit max_tokens
 * overrides. 0.16.0 (2026-02-24) is the first release that may carry it, so from there the platform
 * does not count the flag as a cap.
 */
export const OUTPUT_CAP_RELEASES = { first: "0.8.0", before: "0.16.0" } as const;
export const capsOutputServerSide = (vllmVersion: string) =>
  compareVersions(vllmVersion.replace(/\.post\d+$/, ""), OUTPUT_CAP_RELEASES.first) >= 0 &&
  compareVersions(vllmVersion.replace(/\.post\d+$/, ""), OUTPUT_CAP_RELEASES.before) < 0;


/** --max-lora-rank accepts only these (vllm LoRAConfig possible_max_ranks). */
const VLLM_MAX_LORA_RANKS = [8, 16, 32, 64, 128, 256, 320, 512] as const;
const maxLoraRank = (ranks: readonly number[]) => VLLM_MAX_LORA_RANKS.find((r) => r >= Math.max(...ranks))!;

/**
 * BF16 needs compute capability 8.0: on Volta vLLM raises "Bfloat16 is only supported on GPUs with
 * compute capability of at least 8.0 … use float16 … --dtype=half" (vllm/worker/worker.py
 * _check_if_gpu_supports_dtype), so the dtype is always explicit.
 */
const servingDtype = (gpu: GpuModelName) => (GPU_MODELS[gpu].arch === "sm70" ? "float16" : "bfloat16");

/** The `vllm serve` command line of an endpoint. */
export function vllmServeArgs(endpoint: InferenceEndpointSpec, gpu: GpuModelName): string[] {
  const s3 = endpoint.weights.kind === "s3";
  const args = [
    s3 ? endpoint.weights.uri : MODEL_DIR,
    "--host", "0.0.0.0",
    "--port", String(VLLM_PORT),
    "--served-model-name", endpoint.model.name,
    "--dtype", servingDtype(gpu),
    "--tensor-parallel-size", String(endpoint.gpusPerReplica),
    "--max-model-len", String(endpoint.maxModelLen),
    "--max-num-seqs", String(endpoint.concurrencyPerReplica),
    "--gpu-memory-utilization", String(GPU_MEMORY_UTILIZATION),
    "--override-generation-config", JSON.stringify({ max_new_tokens: endpoint.maxOutputTokens }),
  ];
  if (s3) args.push("--load-format", "runai_streamer");
  if (endpoint.trustRemoteCode) args.push("--trust-remote-code");
  if (endpoint.loraAdapters.length > 0) {
    args.push(
      "--enable-lora",
      "--max-loras", String(endpoint.loraAdapters.length),
      "--max-lora-rank", String(maxLoraRank(endpoint.loraAdapters.map((a) => a.rank))),
      "--lora-modules", ...endpoint.loraAdapters.map((a) => `${a.name}=${LORA_DIR}/${a.name}`),
    );
  }
  return args;
}

/** The output cap a command line sets, or undefined (read back by the policy from the rendered pod). */
export function outputCapOf(args: readonly string[]): number | undefined {
  const i = args.indexOf("--override-generation-config");
  if (i < 0 || i + 1 >= args.length) return undefined;
  try {
    const value = JSON.parse(args[i + 1]).max_new_tokens;
    return Number.isInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A flag's value in a command line. */
export function argValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
}

/**
 * The server's environment: nothing is fetched from a model hub at run time (the weights are on
 * the shared volume or streamed from S3) and no usage statistics leave the cluster
 * (docs.vllm.ai "Usage Stats Collection": VLLM_NO_USAGE_STATS=1, DO_NOT_TRACK=1).
 */
export function vllmEnv(home: string): Record<string, string> {
  return {
    HF_HUB_OFFLINE: "1",
    TRANSFORMERS_OFFLINE: "1",
    VLLM_NO_USAGE_STATS: "1",
    DO_NOT_TRACK: "1",
    // The image runs as root by default; as a non-root user every cache (vLLM's compile cache,
    // Triton, Hugging Face) goes under a writable HOME.
    HOME: home,
  };
}
