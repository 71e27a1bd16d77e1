/**
 * The ZeRO advisor (pure). The field notes compared ZeRO stages 2 and 3 and kept 2: GPU memory
 * sufficed, and stage 3 trades speed for memory. This estimates per-GPU memory for each stage and
 * picks the fastest that fits with headroom, explaining the choice.
 *
 * Model states (bytes, Ψ parameters, N GPUs, K optimizer bytes per parameter: 12 for Adam — fp32
 * master weights, momentum and variance — 8 for SGD with momentum), mixed precision:
 *   stage 1: 4Ψ + KΨ/N              ZeRO paper (Rajbhandari et al. 2020), optimizer states partitioned
 *   stage 2: 4Ψ + (K+4)Ψ/N          DeepSpeed estimate_zero2_model_states_mem_needs (K = 12: 16Ψ/N)
 *   stage 3: 4·L + (K+6)Ψ/N         DeepSpeed estimate_zero3_model_states_mem_needs (K = 12: 18Ψ/N;
 *                                   L = the largest layer's parameters, gathered one at a time)
 *   offload: stage 3, optimizer in CPU memory: 4·L + 2Ψ/N on the GPU (same estimator, cpu_offload)
 * Activations, with activation checkpointing: micro-batch × sequence × hidden × (2 × layers + 34)
 * bytes — the layer-boundary checkpoints in bf16 plus one layer's full activations (Korthikanti et
 * al. 2022, "Reducing Activation Recomputation", 34·s·b·h per layer).
 */

export interface ZeroInput {
  readonly parameters: number;
  readonly largestLayerParameters: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly optimizer: "adamw" | "adam" | "sgd";
  readonly gpuMemoryGiB: number;
  readonly gpusPerNode: number;
  readonly nodes: number;
  readonly sequenceLength: number;
  readonly microBatchSize: number;
  readonly allowOffload: boolean;
}

export type ZeroStage = 1 | 2 | 3;

export interface StageEstimate {
  readonly stage: ZeroStage;
  readonly offload: boolean;
  readonly modelStatesBytes: number;
  readonly activationBytes: number;
  readonly totalBytes: number;
  readonly fits: boolean;
}

export interface ZeroAdvice {
  readonly stage: ZeroStage;
  readonly offload: boolean;
  readonly estimates: readonly StageEstimate[];
  /** Usable memory per GPU after headroom. */
  readonly usableBytes: number;
  readonly explanation: string;
  /** False when nothing fits (not even offload, or offload not allowed). */
  readonly fits: boolean;
}

/** Fraction of GPU memory the estimate may fill: the rest covers the CUDA context, NCCL buffers and fragmentation. */
const MEMORY_HEADROOM = 0.85;
const GIB = 1024 ** 3;
const OPTIMIZER_BYTES = { adamw: 12, adam: 12, sgd: 8 } as const;

function activationBytes(input: Pick<ZeroInput, "microBatchSize" | "sequenceLength" | "hiddenSize" | "layers">): number {
  return input.microBatchSize * input.sequenceLength * input.hiddenSize * (2 * input.layers + 34);
}

export function estimateStages(input: ZeroInput): StageEstimate[] {
  const n = input.gpusPerNode * input.nodes;
  const psi = input.parameters;
  const k = OPTIMIZER_BYTES[input.optimizer];
  const activations = activationBytes(input);
  const usable = input.gpuMemoryGiB * GIB * MEMORY_HEADROOM;
  const make = (stage: ZeroStage, offload: boolean, modelStatesBytes: number): StageEstimate => ({
    stage,
    offload,
    modelStatesBytes,
    activationBytes: activations,
    totalBytes: modelStatesBytes + activations,
    fits: modelStatesBytes + activations <= usable,
  });
  return [
    make(1, false, 4 * psi + (k * psi) / n),
    make(2, false, 4 * psi + ((k + 4) * psi) / n),
    make(3, false, 4 * input.largestLayerParameters + ((k + 6) * psi) / n),
    make(3, true, 4 * input.largestLayerParameters + (2 * psi) / n),
  ];
}

const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;

export function adviseZero(input: ZeroInput): ZeroAdvice {
  const estimates = estimateStages(input);
  const usableBytes = input.gpuMemoryGiB * GIB * MEMORY_HEADROOM;
  const [, stage2, stage3, offload] = estimates;
  const world = `${input.nodes} × ${input.gpusPerNode} GPUs of ${input.gpuMemoryGiB} GiB (${gib(usableBytes)} usable each)`;
  const sizes = `stage 2 needs ${gib(stage2.totalBytes)}, stage 3 ${gib(stage3.totalBytes)} per GPU (activations ${gib(stage2.activationBytes)})`;
  // Stages 1 and 2 move the same data per step (ZeRO paper: 2Ψ each); 2 holds less, so it is the
  // fastest stage that fits. Stage 3 adds a parameter all-gather per layer: 1.5× the traffic.
  if (stage2.fits) {
    return { stage: 2, offload: false, estimates, usableBytes, fits: true, explanation: `ZeRO stage 2: it fits on ${world}; ${sizes}. Stage 3 would add a parameter all-gather per layer (1.5× the traffic) for memory this job does not need.` };
  }
  if (stage3.fits) {
    return { stage: 3, offload: false, estimates, usableBytes, fits: true, explanation: `ZeRO stage 3: stage 2 does not fit on ${world}; ${sizes}. Stage 3 partitions the parameters too, at 1.5× stage 2's communication.` };
  }
  if (input.allowOffload) {
    return { stage: 3, offload: true, estimates, usableBytes, fits: offload.fits, explanation: `ZeRO stage 3 with optimizer offload to CPU: even stage 3 does not fit on ${world}; ${sizes}; offloaded, ${gib(offload.totalBytes)} per GPU${offload.fits ? "" : " — still too much"}.` };
  }
  return { stage: 3, offload: false, estimates, usableBytes, fits: false, explanation: `nothing fits on ${world}: ${sizes}. Add nodes, use a pool with more GPU memory, shorten sequences, or set allowOffload.` };
}

/** The DeepSpeed config for a run (rendered into the job's ConfigMap as ds_config.json). */
export function deepspeedConfig(args: {
  readonly stage: ZeroStage;
  readonly offload: boolean;
  readonly precision: "bf16" | "fp16";
  readonly microBatchSize: number;
  readonly gradientAccumulationSteps: number;
  readonly worldSize: number;
}): Record<string, unknown> {
  const zero: Record<string, unknown> = {
    stage: args.stage,
    overlap_comm: true,
    contiguous_gradients: true,
    reduce_bucket_size: 5e8,
    ...(args.stage <= 2 ? { allgather_bucket_size: 5e8, reduce_scatter: true } : { stage3_prefetch_bucket_size: 5e8, stage3_param_persistence_threshold: 1e6, stage3_gather_16bit_weights_on_model_save: true }),
    ...(args.offload ? { offload_optimizer: { device: "cpu", pin_memory: true } } : {}),
  };
  return {
    train_micro_batch_size_per_gpu: args.microBatchSize,
    gradient_accumulation_steps: args.gradientAccumulationSteps,
    train_batch_size: args.microBatchSize * args.gradientAccumulationSteps * args.worldSize,
    gradient_clipping: 1.0,
    bf16: { enabled: args.precision === "bf16" },
    fp16: { enabled: args.precision === "fp16" },
    zero_optimization: zero,
    activation_checkpointing: { partition_activations: args.stage === 3, contiguous_memory_optimization: false },
    steps_per_print: 50,
    wall_clock_breakdown: false,
  };
}
