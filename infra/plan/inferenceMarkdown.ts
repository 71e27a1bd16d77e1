/**
 * The report's Inference section: per endpoint, what is served where, with which vLLM release, the
 * memory it needs, and the estimate on its GPU next to every other GPU class of the catalog.
 */
import { GPU_MODELS, GpuModelName } from "../catalog/gpus";
import { formatUsd } from "../cost/model";
import { EndpointPlan, planEndpoint } from "../inference/endpoints";
import { DECODE_BANDWIDTH_EFFICIENCY, PREFILL_COMPUTE_EFFICIENCY } from "../inference/gpuPerformance";
import { serviceAddress } from "../inference/manifests";
import { gib, servingMemory } from "../inference/memory";
import { alternativeServing, endpointReport } from "../inference/report";
import type { StackPlan } from "./plan";

const num = (n: number | null, digits = 0) => (n === null ? "—" : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const money = (n: number | null) => (n === null ? "no price" : n < 0.01 ? `$${n.toFixed(4)}` : formatUsd(n));

export function inferenceSection(plan: StackPlan): string[] {
  const { spec } = plan;
  if (spec.inferenceEndpoints.length === 0) return [];
  const out = ["### Inference", ""];
  for (const endpoint of spec.inferenceEndpoints) out.push(...endpointLines(planEndpoint(spec, endpoint)));
  out.push(
    `Estimate: decode reads the weights once per step for the whole batch plus each sequence's KV cache, at ${Math.round(DECODE_BANDWIDTH_EFFICIENCY * 100)} % of the GPU's peak memory bandwidth; prefill computes 2 FLOPs per parameter per prompt token at ${Math.round(PREFILL_COMPUTE_EFFICIENCY * 100)} % of its peak dense 16-bit throughput; each row at the endpoint's concurrency and traffic, on the cheapest catalog instance carrying that GPU (docs/inference.md cites the figures). "—": the model does not fit that many of that GPU.`,
    "",
  );
  return out;
}

function endpointLines(p: EndpointPlan): string[] {
  const e = p.endpoint;
  const report = endpointReport(p);
  const out = [
    `**${e.team}/${e.name}** on ${p.pool.name} (${e.gpusPerReplica} × ${p.gpu} per replica) at \`${serviceAddress(p)}\`: ${e.model.name} from ${e.weights.kind === "shared" ? `\`${e.weights.path}\` on the shared volume` : `\`${e.weights.uri}\` (streamed)`}${e.loraAdapters.length ? `, LoRA ${e.loraAdapters.map((a) => a.name).join(", ")}` : ""}; vLLM ${p.release.version} (${p.release.chosenBy === "config" ? "pinned in config" : "chosen by the alignment module"}) \`${p.image.ref}\`.`,
    "",
    `- Memory per replica: ${gib(p.memory.neededBytes)} (weights ${gib(p.memory.weightsBytes)}, KV ${gib(p.memory.kvBytes)} for ${e.concurrencyPerReplica} × ${e.maxModelLen} tokens${p.memory.loraBytes ? `, LoRA ${gib(p.memory.loraBytes)}` : ""}) of ${gib(p.memory.usableBytes)} usable${p.memory.fits ? "" : " ❌"}.`,
    `- Replies capped at ${e.maxOutputTokens} tokens; traffic ${e.traffic.requestsPerSecond} req/s of ${e.traffic.inputTokens} → ${e.traffic.outputTokens} tokens needs ${p.replicasNeeded} replica(s); replicas ${e.replicas.min}–${e.replicas.max}${e.scaleToZero ? " (scales to zero)" : ""}, KEDA adds one above ${e.replicas.targetQueueDepth} waiting requests per replica.`,
    `- Start-up budget ${Math.round(p.startup.budgetSeconds)} s (weights in ${Math.round(p.startup.loadSeconds)} s at ${Math.round(p.startup.weightsReadMBps)} MB/s — ${p.startup.throughputSource} — plus warm-up); drain ${p.drain.preStopSeconds} s (longest reply ${p.drain.longestReplySeconds.toFixed(1)} s).`,
    ...(p.release.findings.length ? [`- Image alignment: ${p.release.findings.map((f) => `[${f.kind}] ${f.message}`).join("; ")}`] : []),
    "",
    "| GPU | GPUs/replica | TTFT ms | ITL ms | reply ms | replies/s per replica | USD per 1,000 replies |",
    "|---|---:|---:|---:|---:|---:|---:|",
    `| **${report.gpu}** (this pool) | ${e.gpusPerReplica} | ${num(report.estimate.ttftMs, 1)} | ${num(report.estimate.itlMs, 1)} | ${num(report.estimate.replyMs)} | ${num(report.estimate.repliesPerSecondPerReplica, 2)} | ${money(report.estimate.usdPerThousandReplies)} |`,
  ];
  for (const alt of report.alternatives) {
    const gpu = alt.gpu as GpuModelName;
    const full = alternativeServing(e, gpu);
    const needs = full ? "" : ` (needs ${gib(servingMemory({ ...e, gpu }).neededBytes)}, has ${e.gpusPerReplica} × ${GPU_MODELS[gpu].memoryGiB} GiB)`;
    out.push(`| ${alt.gpu}${needs} | ${e.gpusPerReplica} | ${num(alt.ttftMs, 1)} | ${num(alt.itlMs, 1)} | ${num(alt.replyMs)} | ${full ? num(full.repliesPerSecondPerReplica, 2) : "—"} | ${full ? money(alt.usdPerThousandReplies) : "—"} |`);
  }
  out.push("");
  return out;
}
