/**
 * Serving memory (pure): what one replica of an endpoint holds on its GPUs — the weights, the KV
 * cache for `maxModelLen` tokens of every sequence it serves at once, and its LoRA slots — against
 * what its GPUs offer with headroom, and what would fit when it does not.
 *
 *   weights  = parameters × 2 bytes (BF16, or FP16 on Volta)
 *   KV/token = 2 (K and V) × layers × kvHeads × headDim × 2 bytes, headDim = hiddenSize / attentionHeads
 *              (Pope et al. 2022, "Efficiently Scaling Transformer Inference", §3.1; GQA: Ainslie et
 *              al. 2023 — only the kvHeads carry a cache)
 *   KV       = KV/token × maxModelLen × concurrencyPerReplica
 *   LoRA     = slots × rank × layers × 20 × hiddenSize × 2 bytes: vLLM pre-allocates A and B for every
 *              linear projection of every layer per adapter slot (--max-loras); a Llama-shaped block's
 *              attention and MLP projections add up to about 19 × hiddenSize inputs + outputs.
 */
import { GPU_MODELS, GpuModelName } from "../catalog/gpus";
import type { InferenceEndpointSpec, ServedModelSpec } from "../config/types";

const GIB = 1024 ** 3;
/** Bytes per parameter and per cached value: BF16 / FP16. */
const SERVING_BYTES = 2;
/**
 * Share of GPU memory weights + KV + LoRA may fill. vLLM itself takes --gpu-memory-utilization of
 * each GPU (we pass 0.90, its default: vllm/engine/arg_utils.py) and, inside that, keeps the
 * activations, CUDA graphs and sampler buffers it measures at start-up; the 0.05 between is the
 * platform's margin for those (the training side's ZeRO advisor keeps the same 0.85).
 */
export const SERVING_MEMORY_HEADROOM = 0.85;
export const GPU_MEMORY_UTILIZATION = 0.9;

const headDim = (model: ServedModelSpec) => model.hiddenSize / model.attentionHeads;
export const weightsBytes = (model: ServedModelSpec) => model.parameters * SERVING_BYTES;
export const kvBytesPerToken = (model: ServedModelSpec) => 2 * model.layers * model.kvHeads * headDim(model) * SERVING_BYTES;
const loraSlotBytes = (model: ServedModelSpec, rank: number) => rank * model.layers * 20 * model.hiddenSize * SERVING_BYTES;

/** The LoRA slots a replica reserves: one per adapter (all may be in one batch), at the largest rank. */
function loraBytes(endpoint: Pick<InferenceEndpointSpec, "model" | "loraAdapters">): number {
  if (endpoint.loraAdapters.length === 0) return 0;
  const rank = Math.max(...endpoint.loraAdapters.map((a) => a.rank));
  return endpoint.loraAdapters.length * loraSlotBytes(endpoint.model, rank);
}

export interface ServingMemoryInput {
  readonly model: ServedModelSpec;
  readonly loraAdapters: InferenceEndpointSpec["loraAdapters"];
  readonly maxModelLen: number;
  readonly concurrencyPerReplica: number;
  readonly gpusPerReplica: number;
  readonly gpu: GpuModelName;
}

export interface ServingMemory {
  readonly weightsBytes: number;
  readonly kvBytes: number;
  readonly loraBytes: number;
  readonly neededBytes: number;
  /** gpusPerReplica × GPU memory × headroom. */
  readonly usableBytes: number;
  readonly fits: boolean;
}

function usableBytes(gpu: GpuModelName, gpus: number): number {
  return gpus * GPU_MODELS[gpu].memoryGiB * GIB * SERVING_MEMORY_HEADROOM;
}

export function servingMemory(input: ServingMemoryInput): ServingMemory {
  const weights = weightsBytes(input.model);
  const kv = kvBytesPerToken(input.model) * input.maxModelLen * input.concurrencyPerReplica;
  const lora = loraBytes(input);
  const needed = weights + kv + lora;
  const usable = usableBytes(input.gpu, input.gpusPerReplica);
  return { weightsBytes: weights, kvBytes: kv, loraBytes: lora, neededBytes: needed, usableBytes: usable, fits: needed <= usable };
}

/**
 * Tensor-parallel sizes vLLM accepts for a model on a node: the attention heads must split evenly
 * across the GPUs ("Total number of attention heads must be divisible by tensor parallel size",
 * vllm/config ParallelConfig / ModelConfig.verify_with_parallel_config), and a replica stays on one node.
 */
export function tensorParallelSizes(model: ServedModelSpec, gpusPerNode: number): number[] {
  return Array.from({ length: gpusPerNode }, (_, i) => i + 1).filter((tp) => model.attentionHeads % tp === 0);
}

/** What would fit instead, for a refusal's message: fewer sequences, a shorter context, or more GPUs. */
export function whatWouldFit(input: ServingMemoryInput, gpusPerNode: number): { maxConcurrency: number; maxModelLen: number; gpusPerReplica?: number } {
  const free = usableBytes(input.gpu, input.gpusPerReplica) - weightsBytes(input.model) - loraBytes(input);
  const perToken = kvBytesPerToken(input.model);
  const maxConcurrency = free > 0 ? Math.floor(free / (perToken * input.maxModelLen)) : 0;
  const maxModelLen = free > 0 ? Math.floor(free / (perToken * input.concurrencyPerReplica)) : 0;
  const gpusPerReplica = tensorParallelSizes(input.model, gpusPerNode).find((tp) => servingMemory({ ...input, gpusPerReplica: tp }).fits);
  return { maxConcurrency, maxModelLen, ...(gpusPerReplica ? { gpusPerReplica } : {}) };
}

export const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;
