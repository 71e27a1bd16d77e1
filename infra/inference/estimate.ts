/**
 * The serving estimate (pure): latency and throughput of one replica, and what a reply costs. The
 * field notes' lessons — latency grows with the reply's length; the GPU class sets the pace (their
 * A100 answered in about 60 % of a V100's time) — are what this model reproduces.
 *
 * Decode is memory-bandwidth-bound: every step reads the weights once for the whole batch plus
 * each sequence's KV cache (Pope et al. 2022, "Efficiently Scaling Transformer Inference", §3).
 * With C sequences of average context L on tp GPUs:
 *   step  = max( (W + C·L·kv) / tp / (B · ηB),  2·P·C / tp / (F · ηF) )
 * Prefill is compute-bound: 2 FLOPs per parameter per prompt token (Kaplan et al. 2020):
 *   prefill = max( 2·P·I / tp / (F · ηF),  W / tp / (B · ηB) )
 * A replica full of C sequences alternates prefills and shared decode steps, so per reply it spends
 * prefill + (O − 1)·step / C seconds:
 *   replies/s = 1 / (prefill + (O − 1)·step / C)
 * and by Little's law a reply takes C / (replies/s) = C·prefill + (O − 1)·step: the first token
 * after its own prefill, then O − 1 tokens whose spacing includes the other C − 1 prefills:
 *   TTFT = prefill;  ITL = step + (C − 1)·prefill / (O − 1);  reply = TTFT + (O − 1)·ITL
 * Left out: attention FLOPs (~3 % of prefill at 1 K tokens), tensor-parallel all-reduce time, queueing.
 * W weight bytes, P parameters, kv KV bytes per token, I/O prompt/reply tokens, B/F peak bandwidth
 * and dense 16-bit throughput, ηB/ηF their measured efficiencies (gpuPerformance.ts).
 */
import type { GpuModelName } from "../catalog/gpus";
import type { ServedModelSpec } from "../config/types";
import { DECODE_BANDWIDTH_EFFICIENCY, gpuPerformance, PREFILL_COMPUTE_EFFICIENCY } from "./gpuPerformance";
import { kvBytesPerToken, weightsBytes } from "./memory";

export interface EstimateInput {
  readonly model: ServedModelSpec;
  readonly gpu: GpuModelName;
  readonly gpusPerReplica: number;
  /** Sequences served at once (the batch a decode step carries). */
  readonly concurrency: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** USD per replica-hour; null where no price is known (on-prem, unpriced types). */
  readonly usdPerReplicaHour: number | null;
  /** Bytes per weight; 2 (BF16/FP16) unless an estimate of another precision is asked for. */
  readonly bytesPerParameter?: number;
}

export interface ServingEstimate {
  readonly prefillMs: number;
  /** One decode step of the whole batch. */
  readonly decodeStepMs: number;
  readonly ttftMs: number;
  readonly itlMs: number;
  readonly replyMs: number;
  readonly repliesPerSecondPerReplica: number;
  readonly usdPerThousandReplies: number | null;
}

const GB = 1e9;
const TFLOPS = 1e12;

export function estimateServing(input: EstimateInput): ServingEstimate {
  const perf = gpuPerformance(input.gpu);
  const bandwidth = input.gpusPerReplica * perf.memoryBandwidthGBps * GB * DECODE_BANDWIDTH_EFFICIENCY;
  const flops = input.gpusPerReplica * perf.dense16BitTflops * TFLOPS * PREFILL_COMPUTE_EFFICIENCY;
  const weights = input.bytesPerParameter === undefined ? weightsBytes(input.model) : input.model.parameters * input.bytesPerParameter;
  const c = input.concurrency;
  const averageContext = input.inputTokens + input.outputTokens / 2;

  const prefillSeconds = Math.max((2 * input.model.parameters * input.inputTokens) / flops, weights / bandwidth);
  const stepSeconds = Math.max((weights + c * averageContext * kvBytesPerToken(input.model)) / bandwidth, (2 * input.model.parameters * c) / flops);
  const decodeTokens = input.outputTokens - 1;
  const itlSeconds = stepSeconds + (decodeTokens > 0 ? ((c - 1) * prefillSeconds) / decodeTokens : 0);
  const replySeconds = prefillSeconds + decodeTokens * itlSeconds;
  const repliesPerSecond = 1 / (prefillSeconds + (decodeTokens * stepSeconds) / c);
  const usd = input.usdPerReplicaHour === null ? null : (input.usdPerReplicaHour / 3600 / repliesPerSecond) * 1000;
  return {
    prefillMs: prefillSeconds * 1000,
    decodeStepMs: stepSeconds * 1000,
    ttftMs: prefillSeconds * 1000,
    itlMs: itlSeconds * 1000,
    replyMs: replySeconds * 1000,
    repliesPerSecondPerReplica: repliesPerSecond,
    usdPerThousandReplies: usd,
  };
}

/** Replicas the traffic needs at this estimate (each replica full at its concurrency). */
export const replicasNeeded = (requestsPerSecond: number, estimate: Pick<ServingEstimate, "repliesPerSecondPerReplica">) =>
  Math.ceil(requestsPerSecond / estimate.repliesPerSecondPerReplica);
