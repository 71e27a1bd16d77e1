/**
 * Run-time checks on what the kubelet and the containers will do with the planned pods: schema-valid
 * is not working. Each class of failure found in review is a policy here, with its source.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { containersOf, PodTemplate, podsOfObjects } from "../infra/k8s/podTemplates";
import { claimLookup, podVolumeProblems } from "../infra/k8s/volumes";
import { launchCommandProblems } from "../infra/training/launcher";
import { findManifest } from "./manifest";

/** The Kubernetes objects of the plan (Helm releases and kustomizations are opaque: their objects are rendered elsewhere). */
function kubernetesObjects(resources: readonly PolicyResource[]): any[] {
  return resources.filter((r) => r.type.startsWith("kubernetes:") && r.props?.kind).map((r) => ({ ...r.props, urn: r.urn }));
}

/** Every pod the plan makes, with the URN of the object that makes it. */
function plannedPods(resources: readonly PolicyResource[]): (PodTemplate & { urn?: string })[] {
  const objects = kubernetesObjects(resources);
  const urnOf = new Map(objects.map((o) => [`${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? o.metadata?.generateName}`, o.urn as string]));
  return podsOfObjects(objects).map((pod) => {
    const [kind, rest] = pod.where.split(" ");
    const name = rest.split(" / ")[0];
    const [namespace, objectName] = name.includes("/") ? name.split("/") : ["", name];
    return { ...pod, urn: urnOf.get(`${kind}/${namespace}/${objectName}`) };
  });
}

/** Every volume of every pod can be mounted (kubernetes#99453: one claim in two volumes hangs before 1.35). */
export const podVolumesMountable: StackValidationPolicy = {
  name: "pod-volumes-mountable",
  description: "Every planned pod's volumes can be mounted: no claim (or CSI volume handle) in two volumes, every mount names a volume, no duplicate mount path, no writable mount of a read-only claim.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const lookup = claimLookup(kubernetesObjects(args.resources));
    for (const pod of plannedPods(args.resources)) {
      for (const problem of podVolumeProblems(pod, lookup)) reportViolation(problem, pod.urn);
    }
  },
};

/**
 * A training launcher's command runs on the stack's DeepSpeed and hands every rank the fabric's
 * environment (DeepSpeed#7711: `deepspeed --launcher openmpi` fails on 0.16.4–0.18.3).
 */
export const trainingLauncherRuns: StackValidationPolicy = {
  name: "training-launcher-runs",
  description: "Each TrainJob's launcher command works with the stack's DeepSpeed version (no broken OpenMPI runner, --no_python for non-Python entry points) and forwards the pool's fabric environment to ranks on other nodes.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const manifest = findManifest(args.resources);
    if (!manifest) return;
    for (const pod of plannedPods(args.resources)) {
      if (!pod.where.startsWith("TrainJob ") || !pod.where.endsWith(" / launcher")) continue;
      const job = args.resources.find((r) => r.urn === pod.urn);
      const nodes = Number(job?.props.spec?.trainer?.numNodes ?? 1);
      const worker = (pod.spec.containers ?? []).find((c) => c.name === "node");
      if (!worker?.command) continue;
      // The runtime's container env is the pool's fabric profile: every name must reach every rank.
      const runtimeEnv = (worker.env ?? []).map((e) => e.name).filter((n) => !(job?.props.spec?.trainer?.env ?? []).some((e: { name: string }) => e.name === n));
      for (const problem of launchCommandProblems(worker.command, { deepspeedVersion: manifest.gpuStack.deepspeedVersion, fabricEnv: runtimeEnv, nodes })) {
        reportViolation(`${pod.where}: ${problem}`, pod.urn);
      }
    }
  },
};

/** Image references that move under the platform: no tag, `latest`, or a floating branch tag of a base image. */
export function unpinnedImage(image: string): string | undefined {
  const [name, digest] = image.split("@");
  if (digest) return undefined;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  if (colon <= slash) return "has no tag (it pulls latest)";
  if (name.slice(colon + 1) === "latest") return "is tagged latest";
  return undefined;
}

/** Every container the platform renders names a pinned image (a tag other than latest, or a digest). */
export const containerImagesPinned: StackValidationPolicy = {
  name: "container-images-pinned",
  description: "Every container image of every planned pod has a version tag other than latest, or a digest: what runs is what was reviewed.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const pod of plannedPods(args.resources)) {
      for (const c of containersOf(pod.spec)) {
        const problem = c.image ? unpinnedImage(c.image) : undefined;
        if (problem) reportViolation(`${pod.where}: container ${c.name} image ${c.image} ${problem}; pin a version (infra/versions.ts) or a digest`, pod.urn);
      }
    }
  },
};

/** Commands that fetch software or manifests when the pod runs, instead of from a pinned image. */
const RUNTIME_DOWNLOADS: readonly { re: RegExp; what: string }[] = [
  { re: /\bapk\s+add\b/, what: "apk add" },
  { re: /\bapt(-get)?\s+install\b/, what: "apt-get install" },
  { re: /\b(yum|dnf)\s+install\b/, what: "yum/dnf install" },
  { re: /\bpip3?\s+install\b/, what: "pip install" },
  { re: /\b(curl|wget)\b[^|;&]*https?:\/\//, what: "a download over HTTP(S)" },
  { re: /\bkubectl\s+apply\b[^;&|]*(-k|--kustomize|-f)\s*["']?(https?:\/\/|github\.com)/, what: "kubectl apply of remote manifests" },
];

/**
 * No pod installs packages or pulls manifests at run time: unpinned, needs the internet (an
 * air-gapped cluster has none), and what runs is not what was reviewed.
 */
export const noRuntimeDownloads: StackValidationPolicy = {
  name: "no-runtime-downloads",
  description: "No planned container installs packages (apk/apt/yum/pip) or downloads software or manifests when it runs; everything comes pinned in its image or from the plan.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const pod of plannedPods(args.resources)) {
      for (const c of containersOf(pod.spec)) {
        const script = [...(c.command ?? []), ...(c.args ?? [])].join(" ");
        for (const { re, what } of RUNTIME_DOWNLOADS) {
          if (re.test(script)) reportViolation(`${pod.where}: container ${c.name} runs ${what} at start-up; bake it into a pinned image or render it in the plan`, pod.urn);
        }
      }
    }
  },
};

/** No ServiceAccount is bound to cluster-admin: a workload with it owns the cluster for as long as the binding stands. */
export const noStandingClusterAdmin: StackValidationPolicy = {
  name: "no-standing-cluster-admin",
  description: "No ClusterRoleBinding or RoleBinding grants cluster-admin to a ServiceAccount (the deployer's own access comes from EKS access entries).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const r of args.resources.filter((x) => x.props?.kind === "ClusterRoleBinding" || x.props?.kind === "RoleBinding")) {
      if (r.props.roleRef?.name !== "cluster-admin") continue;
      for (const s of (r.props.subjects ?? []) as { kind: string; name: string; namespace?: string }[]) {
        if (s.kind === "ServiceAccount") reportViolation(`${r.props.kind} ${r.props.metadata?.name} binds ServiceAccount ${s.namespace ?? ""}/${s.name} to cluster-admin; grant the verbs it needs on the resources it needs, or let the deployer apply instead`, r.urn);
      }
    }
  },
};

/** Advisory: a job runs a repository's own Python (trust_remote_code), with the team's data at hand. */
export const remoteCodeInJobs: StackValidationPolicy = {
  name: "remote-code-in-jobs",
  description: "A tokenise job or training run loads a model or tokenizer with trust_remote_code: the repository's code runs with access to the team's data and token.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    for (const r of args.resources.filter((x) => x.props?.kind === "ConfigMap" && typeof x.props.data?.["dataset.json"] === "string")) {
      const config = JSON.parse(r.props.data["dataset.json"]);
      if (config.loading?.trustRemoteCode) reportViolation(`tokenise job of data set ${config.identity?.dataset}: tokenizer ${config.identity?.tokenizer} runs its own code (trust_remote_code); review that repository's code or pin a reviewed copy on shared storage`, r.urn);
    }
    for (const r of args.resources.filter((x) => x.props?.kind === "TrainJob")) {
      const env = (r.props.spec?.trainer?.env ?? []) as { name: string; value?: string }[];
      if (env.some((e) => e.name === "TRUST_REMOTE_CODE" && e.value === "1")) {
        const model = env.find((e) => e.name === "MODEL_NAME_OR_PATH")?.value;
        reportViolation(`TrainJob ${r.props.metadata?.namespace}/${r.props.metadata?.name}: model ${model} runs its own code (trust_remote_code) on every rank`, r.urn);
      }
    }
  },
};
