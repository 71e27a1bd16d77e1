/**
 * What a GPU can move and compute (pure): peak memory bandwidth and peak dense 16-bit tensor
 * throughput per catalog GPU, from NVIDIA's data sheets, and the share of each that a serving engine
 * achieves, from published measurements. The latency estimate reads only these.
 */
import type { GpuModelName } from "../catalog/gpus";

export interface GpuPerformance {
  /** Peak DRAM/HBM bandwidth, GB/s (10^9 bytes per second). */
  readonly memoryBandwidthGBps: number;
  /** Peak dense (no sparsity) 16-bit tensor throughput, TFLOPS: BF16 where the GPU has it, FP16 on Volta. */
  readonly dense16BitTflops: number;
  /** Where the two figures come from. */
  readonly source: string;
}

// Dense = the data sheets' figure without 2:4 sparsity (they print the sparse one with an asterisk).
const GPU_PERFORMANCE: Readonly<Record<GpuModelName, GpuPerformance>> = {
  // V100 has no BF16: vLLM serves it in FP16 (the Tensor Core figure is FP16).
  V100: { memoryBandwidthGBps: 900, dense16BitTflops: 125, source: "NVIDIA Tesla V100 data sheet (SXM2): 900 GB/s HBM2, 125 TFLOPS tensor (FP16)" },
  "V100-16GB": { memoryBandwidthGBps: 900, dense16BitTflops: 125, source: "NVIDIA Tesla V100 data sheet (SXM2 16 GB, as in p3.*): 900 GB/s, 125 TFLOPS tensor (FP16)" },
  A10G: { memoryBandwidthGBps: 600, dense16BitTflops: 70, source: "baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference: A10G 600 GB/s GDDR6, 70 TFLOPS FP16 tensor" },
  A100: { memoryBandwidthGBps: 2039, dense16BitTflops: 312, source: "NVIDIA A100 data sheet (nvidia-a100-datasheet-us-nvidia-1758950-r4): 80 GB SXM 2,039 GB/s, BF16 312 TFLOPS" },
  "A100-40GB": { memoryBandwidthGBps: 1555, dense16BitTflops: 312, source: "NVIDIA A100 data sheet (r4): 40 GB SXM 1,555 GB/s, BF16 312 TFLOPS" },
  // A800: A100 silicon and memory with a slower NVLink (the catalog's note); same bandwidth and throughput.
  A800: { memoryBandwidthGBps: 2039, dense16BitTflops: 312, source: "NVIDIA A800 80 GB SXM data sheet: 2,039 GB/s, BF16 312 TFLOPS (A100 silicon)" },
  L40S: { memoryBandwidthGBps: 864, dense16BitTflops: 362.05, source: "NVIDIA L40S data sheet: 864 GB/s GDDR6, BF16 362.05 TFLOPS (733 with sparsity)" },
  H100: { memoryBandwidthGBps: 3350, dense16BitTflops: 989.5, source: "NVIDIA H100 data sheet (SXM5): 3.35 TB/s HBM3, BF16 1,979 TFLOPS with sparsity = 989.5 dense" },
  H800: { memoryBandwidthGBps: 3350, dense16BitTflops: 989.5, source: "NVIDIA H800 SXM5 data sheet: 3.35 TB/s, BF16 as H100 (reduced NVLink only)" },
  H200: { memoryBandwidthGBps: 4800, dense16BitTflops: 989.5, source: "NVIDIA H200 data sheet (SXM): 4.8 TB/s HBM3e, BF16 1,979 TFLOPS with sparsity = 989.5 dense" },
  B200: { memoryBandwidthGBps: 8000, dense16BitTflops: 2250, source: "NVIDIA HGX B200 data sheet: 8 TB/s HBM3e per GPU; FP16/BF16 36 PFLOPS sparse for 8 GPUs = 2,250 TFLOPS dense each" },
};

/**
 * Share of peak bandwidth a decode step achieves (model bandwidth utilisation). Measured: one A100
 * 40 GB, Llama-3.1-8B-Instruct BF16, vLLM 0.23.0, one request at a time, 1,024 in / 128 out:
 * "about 75 tokens/sec, roughly 77% of the GPU's memory-bandwidth ceiling"
 * (johnmusgrave.com/p/vllm-throughput-latency-sweep-on).
 */
export const DECODE_BANDWIDTH_EFFICIENCY = 0.77;

/**
 * Share of peak tensor throughput a prefill achieves. Derived from NVIDIA's published NIM figure
 * for Llama-3.3-70B FP8 on 2 × H100 SXM (TP2), 5,000 input tokens, concurrency 1: TTFT 406.77 ms
 * (docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance, NIM 1.8.0). Prefill FLOPs 2 × 70.6e9 ×
 * 5,000 = 7.06e14 over 2 × 1,979 dense FP8 TFLOPS is 178 ms ideal: 178 / 406.77 = 0.44.
 */
export const PREFILL_COMPUTE_EFFICIENCY = 0.44;

export const gpuPerformance = (gpu: GpuModelName): GpuPerformance => GPU_PERFORMANCE[gpu];
