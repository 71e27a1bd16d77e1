/**
 * The plan as a reviewer reads it in a pull-request comment: a one-line summary, the node pools,
 * policy results (mandatory first), cost at min / expected / max against the budget, resources
 * grouped by component, and a Mermaid diagram of the components.
 */
import { GpuModelName } from "../catalog/gpus";
import { checkAlignment } from "../compat/alignment";
import { GPU_OPERATOR_VERSION } from "../compat/gpuOperator";
import { partOf } from "../compat/gpuParts";
import { fabricProfile, GPU_RESOURCE } from "../fabric/profile";
import { datasetShardPlan, datasetWorldSize } from "../data/datasets";
import { formatBytes } from "../data/shardPlan";
import { tokeniseJobConfig } from "../data/tokenise";
import { platformImages } from "../images";
import { trainingGpuPools } from "../queues/pools";
import { poolBusBandwidthFloorGBps } from "../training/ncclAcceptance";
import { planTrainingRun, runtimeName } from "../training/runtime";
import { SHARED_DATA_CLAIM } from "../storage/values";
import { formatUsd as usd } from "../cost/model";
import { gpuModelOf, gpusPerNode, isGpuPool } from "../nodes/labels";
import { alertRules } from "../monitoring/alerts";
import { dashboards } from "../monitoring/dashboards";
import { scrapedSeries } from "../monitoring/dcgmCounters";
import { MONITORING_NAMESPACE, prometheusQueryUrl, prometheusStorageClassName } from "../monitoring/prometheus";
import { criticalPath } from "../review/criticalPath";
import { blocking } from "../review/dataLoss";
import { PlanDiff } from "../review/diff";
import { renderChanges, renderDeployTime } from "../review/markdown";
import { CHARTS } from "../versions";
import { inferenceSection } from "./inferenceMarkdown";
import { planJson, StackPlan } from "./plan";
import { RecordedResource } from "./record";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const shortName = (urn: string) => urn.split("::").pop() ?? urn;
/** "NatGateway dev-vpc-nat-us-east-1a": the resource's kind and name, from its URN. */
const label = (urn: string) => {
  const parts = urn.split("::");
  return `${(parts[parts.length - 2] ?? "").split("$").pop()?.split(":").pop()} ${parts[parts.length - 1]}`;
};

export function summaryLine(plan: StackPlan): string {
  const mandatory = plan.policies.filter((v) => v.enforcement === "mandatory").length;
  const advisory = plan.policies.length - mandatory;
  const { monthly } = plan.cost;
  return (
    `${plan.stack}: ${plan.resources.length} resources, ${mandatory} mandatory / ${advisory} advisory policy violations, ` +
    `${usd(monthly.expected)}/month expected (min ${usd(monthly.min)}, max ${usd(monthly.max)}; budget ${usd(plan.spec.budgetUsdPerMonth)})`
  );
}

/**
 * `reviews`: each stack's diff against its baseline plan (`--baseline`); its "Changes" section
 * comes first in the stack's part of the report.
 */
export function renderMarkdown(plans: readonly StackPlan[], failures: readonly { stack: string; message: string }[] = [], reviews: ReadonlyMap<string, PlanDiff> = new Map()): string {
  const parts: string[] = [];
  for (const f of failures) {
    parts.push(`## ❌ ${f.stack}: config errors\n\n\`\`\`\n${f.message}\n\`\`\`\n`);
  }
  for (const plan of plans) parts.push(renderStack(plan, reviews.get(plan.stack)));
  return parts.join("\n");
}

/**
 * The pull-request comment: per stack the summary, what changes against the baseline (first), the
 * mandatory findings and the deploy time — short enough for GitHub's 65,536-character comment
 * limit; the full report (`--markdown`) goes to the workflow's artifacts.
 */
export function renderComment(plans: readonly StackPlan[], failures: readonly { stack: string; message: string }[] = [], reviews: ReadonlyMap<string, PlanDiff> = new Map()): string {
  const parts: string[] = [];
  for (const f of failures) parts.push(`## ❌ ${f.stack}: config errors\n\n\`\`\`\n${f.message}\n\`\`\`\n`);
  for (const plan of plans) {
    const review = reviews.get(plan.stack);
    const mandatory = plan.policies.filter((v) => v.enforcement === "mandatory");
    const status = mandatory.length > 0 || (review && blocking(review.findings).length > 0) ? "❌" : "✅";
    const out = [`## ${status} ${plan.stack}`, "", `**${summaryLine(plan)}**`, ""];
    if (review) out.push(...renderChanges(review));
    if (mandatory.length > 0) {
      out.push("### Mandatory policy violations", "", "| policy | resource | message |", "|---|---|---|");
      for (const v of mandatory) out.push(`| ${v.policy} | ${v.urn ? cell(label(v.urn)) : "stack"} | ${cell(v.message)} |`);
      out.push("");
    }
    out.push(...renderDeployTime(criticalPath(planJson(plan).resources)));
    parts.push(out.join("\n"));
  }
  return parts.join("\n");
}

function renderStack(plan: StackPlan, review?: PlanDiff): string {
  const mandatory = plan.policies.filter((v) => v.enforcement === "mandatory");
  const status = mandatory.length > 0 || (review && blocking(review.findings).length > 0) ? "❌" : "✅";
  const out: string[] = [`## ${status} ${plan.stack}`, "", `**${summaryLine(plan)}**`, ""];
  if (review) out.push(...renderChanges(review));

  out.push("### Node pools", "", "| pool | purpose | node type | GPUs/node | fabric | network/node | per GPU | nodes min/desired/max |", "|---|---|---|---|---|---|---|---|");
  const profiles = plan.spec.nodePools.map(fabricProfile);
  plan.spec.nodePools.forEach((p, i) => {
    const type = p.kind === "aws" ? p.instanceType.name : "existing nodes";
    const gpu = gpuModelOf(p) ? `${gpusPerNode(p)} × ${gpuModelOf(p)}` : "—";
    const { gbpsPerNode, gbpsPerGpu } = profiles[i];
    out.push(`| ${p.name} | ${p.purpose} | ${type} | ${gpu} | ${p.fabric} | ${gbpsPerNode ?? "—"} Gbps | ${gbpsPerGpu === undefined ? "—" : `${gbpsPerGpu} Gbps`} | ${p.minNodes}/${p.desiredNodes}/${p.maxNodes} |`);
  });
  out.push("", "<details><summary>Fabric profiles: what a multi-node worker on each pool requests and its NCCL / libfabric environment</summary>", "", "| pool | resources | environment |", "|---|---|---|");
  for (const profile of profiles.filter((f) => f.podResources[GPU_RESOURCE] !== undefined)) {
    const resources = Object.entries(profile.podResources).map(([k, v]) => `\`${k}: ${v}\``).join(" ");
    const env = Object.entries(profile.env).map(([k, v]) => `\`${k}=${v}\``).join(" ");
    out.push(`| ${profile.pool} | ${resources}${profile.capabilities.length ? ` (+${profile.capabilities.join(", ")})` : ""} | ${env} |`);
  }
  out.push("", "</details>");
  const s = plan.spec.gpuStack;
  out.push("", "### GPU software", "", `Driver ${s.driverVersion} ${s.driverManagedBy === "operator" ? `installed by the GPU operator ${GPU_OPERATOR_VERSION}` : `shipped by the node image (GPU operator ${GPU_OPERATOR_VERSION} without its driver)`}.`, "");
  for (const p of plan.spec.nodePools) {
    const gpu = gpuModelOf(p) as GpuModelName | undefined;
    if (!gpu) continue;
    const { findings, suggestion } = checkAlignment(gpu, s);
    const part = partOf(gpu);
    const verdict = findings.some((f) => f.kind === "broken") ? " ❌ refused" : findings.length ? " ⚠️ advice" : " ✅ aligned";
    out.push(`- ${p.name}: ${gpu} (${part.board}, PCI ${part.pciDeviceId}) · driver ${s.driverVersion} · CUDA ${s.cudaVersion} · PyTorch ${s.pytorchVersion} · DeepSpeed ${s.deepspeedVersion}${verdict}`);
    for (const f of findings) out.push(`  - **${f.kind}** \`${f.rule}\`: ${f.message}`);
    if (suggestion) out.push(`  - fix: ${suggestion.text}`);
  }
  const images = platformImages(s, plan.spec.images);
  out.push("", "Images: " + Object.entries(images).map(([role, image]) => `${role} \`${image.ref}\``).join(", "), "");

  out.push(...storageSection(plan));
  out.push(...trainingSection(plan));
  out.push(...monitoringSection(plan));
  out.push(...inferenceSection(plan));

  out.push("### Policies", "");
  if (plan.policies.length === 0) {
    out.push(`All ${plan.policyCount} policies pass.`, "");
  } else {
    out.push("| level | policy | resource | message |", "|---|---|---|---|");
    for (const v of plan.policies) {
      out.push(`| ${v.enforcement === "mandatory" ? "**mandatory**" : "advisory"} | ${v.policy} | ${v.urn ? cell(label(v.urn)) : "stack"} | ${cell(v.message)} |`);
    }
    out.push("");
  }

  const { cost } = plan;
  out.push("### Monthly cost (USD, us-east-1 on-demand)", "", "| resource | what | min | expected | max |", "|---|---|---:|---:|---:|");
  for (const l of cost.lines) {
    out.push(`| ${cell(label(l.urn))} | ${cell(l.description)} | ${usd(l.monthly.min)} | ${usd(l.monthly.expected)} | ${usd(l.monthly.max)} |`);
  }
  const budget = plan.spec.budgetUsdPerMonth;
  const mark = (n: number) => (n > budget ? " ⚠️" : "");
  out.push(`| **total** | | **${usd(cost.monthly.min)}**${mark(cost.monthly.min)} | **${usd(cost.monthly.expected)}**${mark(cost.monthly.expected)} | **${usd(cost.monthly.max)}**${mark(cost.monthly.max)} |`);
  out.push(`| budget | llm-platform:budgetUsdPerMonth | ${usd(budget)} | ${usd(budget)} | ${usd(budget)} |`, "");
  if (cost.unpriced.length > 0) out.push(`Not priced (usage-based or unknown to the model): ${cost.unpriced.map((u) => `\`${label(u)}\``).join(", ")}`, "");

  out.push(...renderDeployTime(criticalPath(planJson(plan).resources)));

  out.push("### Resources by component", "");
  for (const [component, members] of groupByComponent(plan.resources)) {
    out.push(`<details><summary>${cell(component.type)} <code>${component.name}</code> — ${members.length} resources</summary>`, "", "| type | name | options |", "|---|---|---|");
    for (const r of members) out.push(`| ${r.type} | ${r.name} | ${optionFlags(r)} |`);
    out.push("", "</details>", "");
  }

  out.push("### Components", "", "```mermaid", "flowchart TD", ...mermaidLines(plan.resources), "```", "");
  return out.join("\n");
}

function storageSection(plan: StackPlan): string[] {
  const { spec } = plan;
  if (!spec.storage && spec.datasets.length === 0) return [];
  const out = ["### Shared storage and data sets", ""];
  if (spec.storage?.kind === "aws") {
    const { fsx, s3 } = spec.storage;
    out.push(`FSx for Lustre PERSISTENT_2, ${fsx.storageCapacityGiB} GiB at ${fsx.throughputPerTiB} MB/s/TiB in ${fsx.availabilityZone}, linked both ways to an S3 bucket (${s3.expectedDataGiB} GiB expected); a ReadWriteMany claim \`${SHARED_DATA_CLAIM}\` in every team namespace.`, "");
  } else if (spec.storage?.kind === "existing") {
    out.push(`StorageClass \`${spec.storage.storageClassName}\` (ReadWriteMany), a ${spec.storage.claimSizeGiB} GiB claim \`${SHARED_DATA_CLAIM}\` in every team namespace.`, "");
  }
  if (spec.datasets.length > 0) {
    out.push("| data set | samples | world size | shards | per rank | samples per rank | shard | peak per process | manifest |", "|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for (const dataset of spec.datasets) {
      const shardPlan = datasetShardPlan(spec, dataset);
      const job = tokeniseJobConfig(spec, dataset);
      const perRank = shardPlan.samplesPerRank.min === shardPlan.samplesPerRank.max ? `${shardPlan.samplesPerRank.min}` : `${shardPlan.samplesPerRank.min}–${shardPlan.samplesPerRank.max}`;
      out.push(`| ${dataset.name}@${dataset.version} | ${dataset.samples.toLocaleString("en-US")} | ${datasetWorldSize(spec, dataset)} | ${shardPlan.shardCount} | ${shardPlan.shardsPerRank} | ${perRank} | ${shardPlan.samplesPerShard.toLocaleString("en-US")} samples, ${formatBytes(shardPlan.shardBytes)} | ${formatBytes(shardPlan.peakBytesPerProcess)} | \`${job.manifestKey.slice(0, 12)}\` |`);
    }
    out.push("");
  }
  return out;
}

function trainingSection(plan: StackPlan): string[] {
  const { spec } = plan;
  const pools = trainingGpuPools(spec);
  if (pools.length === 0) return [];
  const out = ["### Training", ""];
  out.push("| pool | runtime | fabric test floor |", "|---|---|---:|");
  for (const pool of pools) out.push(`| ${pool.name} | \`${runtimeName(pool.name)}\` (${pool.fabric}) | ${pool.maxNodes >= 2 ? `${poolBusBandwidthFloorGBps(pool)} GB/s` : "— (single node)"} |`);
  out.push("");
  if (spec.teams.length > 0) {
    out.push("| team (queue) | guaranteed GPUs |", "|---|---|");
    for (const team of spec.teams) out.push(`| ${team.name} | ${Object.entries(team.gpuQuota).map(([pool, gpus]) => `${pool}: ${gpus}`).join(", ") || "none (borrows only)"} |`);
    out.push("");
  }
  for (const run of spec.trainingRuns) {
    const runPlan = planTrainingRun(spec, run);
    out.push(`- **${run.team}/${run.name}**: ${run.model.name} on ${run.nodes} × ${run.pool} (${runPlan.worldSize} ranks), source/target ${run.maxSourceLength}/${run.maxTargetLength}, batch ${run.microBatchSize} × ${runPlan.gradientAccumulationSteps} × ${runPlan.worldSize} = ${run.microBatchSize * runPlan.gradientAccumulationSteps * runPlan.worldSize}; ZeRO stage ${runPlan.stage}${run.zeroStage ? " (forced)" : ""} — ${runPlan.zero.explanation} Shards: ${runPlan.shardDir}`);
  }
  if (spec.trainingRuns.length > 0) out.push("");
  return out;
}

/** Monitoring: whose Prometheus, the series scraped, the alerts and thresholds, the dashboards, each team's reclamation policy. */
function monitoringSection(plan: StackPlan): string[] {
  const { spec } = plan;
  const { prometheus, gpuIdle } = spec.monitoring;
  const hasKueue = trainingGpuPools(spec).length > 0 && spec.teams.length > 0;
  const out = ["### Monitoring", ""];
  out.push(prometheus.kind === "platform"
    ? `kube-prometheus-stack ${CHARTS.kubePrometheusStack.version} in \`${MONITORING_NAMESPACE}\`: ${prometheus.retentionDays} days on a ${prometheus.storageGiB} GiB volume (${prometheusStorageClassName(spec) ?? "the cluster's default StorageClass"}), Grafana ${spec.monitoring.grafana.enabled ? "with a generated admin password, reached by kubectl port-forward" : "off"}; queries at \`${prometheusQueryUrl(spec)}\`.`
    : `The cluster's own Prometheus at \`${prometheus.url}\` (monitors, rules and dashboards in \`${prometheus.namespace}\`, labelled ${Object.entries(prometheus.selectorLabels).map(([k, v]) => `\`${k}=${v}\``).join(", ") || "without selector labels"}).`, "");
  if (spec.nodePools.some(isGpuPool)) {
    out.push(`DCGM series scraped (pod, namespace, node and pool on each): ${scrapedSeries().map((m) => `\`${m}\``).join(", ")}.`, "");
  }
  out.push("| alert | severity | fires when |", "|---|---|---|");
  for (const rule of alertRules(spec)) out.push(`| ${rule.alert} | ${rule.severity} | ${cell(rule.threshold)} |`);
  out.push("", `Dashboards: ${dashboards(spec, hasKueue).map((d) => d.title).join("; ")}${hasKueue ? "; KueueViz (kubectl port-forward)" : ""}.`, "");
  if (hasKueue && spec.teams.length > 0) {
    out.push(`| team | idle-GPU reclamation (idle: every GPU below ${gpuIdle.utilizationBelowPercent} %) |`, "|---|---|");
    for (const team of spec.teams) {
      const { mode, idleGraceMinutes } = team.reclaim;
      out.push(`| ${team.name} | ${mode === "off" ? "off" : mode === "dry-run" ? `dry-run: annotated and reported after ${idleGraceMinutes} min idle, never deactivated` : `deactivated after ${idleGraceMinutes} min idle (quota returns to the cohort)`} |`);
    }
    out.push("");
  }
  return out;
}

function optionFlags(r: RecordedResource): string {
  const flags: string[] = [];
  if (r.options.protect) flags.push("protect");
  if (r.options.retainOnDelete) flags.push("retainOnDelete");
  if (r.options.dependsOn.length) flags.push(`dependsOn ${r.options.dependsOn.map(shortName).join(", ")}`);
  if (r.options.ignoreChanges.length) flags.push(`ignoreChanges ${r.options.ignoreChanges.join(", ")}`);
  if (r.options.provider) flags.push(`provider ${shortName(r.options.provider)}`);
  return flags.join("; ");
}

/** Custom resources under their nearest component (the stack itself for top-level ones). */
function groupByComponent(resources: readonly RecordedResource[]): Map<RecordedResource, RecordedResource[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const groups = new Map<RecordedResource, RecordedResource[]>();
  for (const r of resources) {
    if (!r.custom) continue;
    const owner = (r.parent && byUrn.get(r.parent)) || resources[0];
    groups.set(owner, [...(groups.get(owner) ?? []), r]);
  }
  return groups;
}

function mermaidLines(resources: readonly RecordedResource[]): string[] {
  const components = resources.filter((r) => !r.custom);
  const ids = new Map(components.map((c, i) => [c.urn, `c${i}`]));
  const counts = new Map<string, number>();
  for (const r of resources) if (r.custom && r.parent) counts.set(r.parent, (counts.get(r.parent) ?? 0) + 1);
  const lines = components.map((c) => `  ${ids.get(c.urn)}["${c.type.split(":").pop()} ${c.name}${counts.get(c.urn) ? ` (${counts.get(c.urn)})` : ""}"]`);
  for (const c of components) {
    if (c.parent && ids.has(c.parent)) lines.push(`  ${ids.get(c.parent)} --> ${ids.get(c.urn)}`);
  }
  return lines;
}
