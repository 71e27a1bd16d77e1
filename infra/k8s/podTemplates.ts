/**
 * Every pod template a Kubernetes object will make the kubelet run (pure): Deployments, Jobs,
 * CronJobs, JobSets, Kubeflow training runtimes and TrainJobs — the last as the trainer will build
 * them, the runtime's pod merged with the TrainJob's runtime patches. Policies and the run-time
 * contract tests read pods through here, so a check covers every kind that makes pods.
 */

/** The parts of a pod spec the platform's run-time checks read; the rest passes through untyped. */
export interface PodSpecLike {
  volumes?: VolumeLike[];
  initContainers?: ContainerLike[];
  containers?: ContainerLike[];
  [key: string]: unknown;
}

export interface VolumeLike {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  csi?: { driver: string; volumeAttributes?: Record<string, string> };
  [key: string]: unknown;
}

export interface VolumeMountLike {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

export interface ContainerLike {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  volumeMounts?: VolumeMountLike[];
  [key: string]: unknown;
}

export interface PodTemplate {
  /** "Deployment llm-platform/gateway", "ClusterTrainingRuntime deepspeed-train-h100 / node". */
  readonly where: string;
  readonly namespace?: string;
  readonly spec: PodSpecLike;
}

interface ObjectLike {
  kind?: string;
  metadata?: { name?: string; generateName?: string; namespace?: string };
  spec?: any;
}

const nameOf = (o: ObjectLike) => `${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name ?? o.metadata?.generateName ?? "?"}`;

/** Pod templates of one object (none for kinds that make no pods, or for TrainJobs: see trainJobPods). */
function podTemplatesOf(o: ObjectLike): PodTemplate[] {
  const where = `${o.kind} ${nameOf(o)}`;
  const namespace = o.metadata?.namespace;
  const at = (suffix: string, spec: PodSpecLike | undefined): PodTemplate[] => (spec ? [{ where: `${where}${suffix}`, ...(namespace ? { namespace } : {}), spec }] : []);
  switch (o.kind) {
    case "Pod":
      return at("", o.spec);
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return at("", o.spec?.template?.spec);
    case "CronJob":
      return at("", o.spec?.jobTemplate?.spec?.template?.spec);
    case "JobSet":
      return replicatedJobPods(o.spec?.replicatedJobs, where, namespace);
    case "ClusterTrainingRuntime":
    case "TrainingRuntime":
      return replicatedJobPods(o.spec?.template?.spec?.replicatedJobs, where, namespace);
    default:
      return [];
  }
}

function replicatedJobPods(jobs: any[] | undefined, where: string, namespace: string | undefined): PodTemplate[] {
  return (jobs ?? [])
    .filter((job) => job?.template?.spec?.template?.spec)
    .map((job) => ({ where: `${where} / ${job.name}`, ...(namespace ? { namespace } : {}), spec: job.template.spec.template.spec as PodSpecLike }));
}

/**
 * The pods a TrainJob makes: its runtime's replicated jobs with the TrainJob's runtime patches
 * merged in (volumes appended; containers and init containers merged by name, their env and
 * volume mounts appended), and the trainer's command, image and env on the `node` container of the
 * launcher (Kubeflow Trainer v2.3.0, pkg/runtime/framework/plugins: the trainer step's container
 * is `node`; runtimePatches are strategic merges keyed by name).
 */
function trainJobPods(trainJob: ObjectLike, runtime: ObjectLike | undefined): PodTemplate[] {
  if (!runtime) return [];
  const namespace = trainJob.metadata?.namespace;
  const patches: any[] = trainJob.spec?.runtimePatches ?? [];
  const trainer = trainJob.spec?.trainer ?? {};
  return podTemplatesOf({ ...runtime, metadata: { ...runtime.metadata, namespace } }).map((pod) => {
    const jobName = pod.where.split(" / ").pop();
    let spec: PodSpecLike = clone(pod.spec);
    for (const patch of patches) {
      for (const job of patch?.trainingRuntimeSpec?.template?.spec?.replicatedJobs ?? []) {
        if (job.name !== jobName) continue;
        spec = mergePodSpec(spec, job.template?.spec?.template?.spec ?? {});
      }
    }
    if (jobName === "launcher") {
      spec = {
        ...spec,
        containers: (spec.containers ?? []).map((c) =>
          c.name !== "node" ? c : {
            ...c,
            ...(trainer.image ? { image: trainer.image } : {}),
            ...(trainer.command ? { command: trainer.command } : {}),
            ...(trainer.args ? { args: trainer.args } : {}),
            env: [...(c.env ?? []), ...(trainer.env ?? [])],
          }),
      };
    }
    return { where: `TrainJob ${nameOf(trainJob)} / ${jobName}`, ...(namespace ? { namespace } : {}), spec };
  });
}

function mergePodSpec(base: PodSpecLike, patch: PodSpecLike): PodSpecLike {
  const byName = <T extends { name: string }>(a: T[] = [], b: T[] = [], merge: (x: T, y: T) => T): T[] => {
    const out = a.map((x) => {
      const y = b.find((p) => p.name === x.name);
      return y ? merge(x, y) : x;
    });
    return [...out, ...b.filter((y) => !a.some((x) => x.name === y.name))];
  };
  const mergeContainer = (x: ContainerLike, y: ContainerLike): ContainerLike => ({
    ...x,
    ...y,
    env: byName(x.env as { name: string }[], y.env as { name: string }[], (_, b) => b) as ContainerLike["env"],
    volumeMounts: [...(x.volumeMounts ?? []), ...(y.volumeMounts ?? [])],
  });
  return {
    ...base,
    volumes: byName(base.volumes, patch.volumes, (_, b) => b),
    initContainers: byName(base.initContainers, patch.initContainers, mergeContainer),
    containers: byName(base.containers, patch.containers, mergeContainer),
  };
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** Every container of a pod, init containers first. */
export const containersOf = (spec: PodSpecLike): ContainerLike[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];

/**
 * Every pod a set of Kubernetes objects makes: each object's own templates, and each TrainJob's pods
 * built from the (Cluster)TrainingRuntime it names.
 */
export function podsOfObjects(objects: readonly ObjectLike[]): PodTemplate[] {
  const runtimes = new Map<string, ObjectLike>();
  for (const o of objects) {
    if (o.kind === "ClusterTrainingRuntime") runtimes.set(`ClusterTrainingRuntime/${o.metadata?.name}`, o);
    if (o.kind === "TrainingRuntime") runtimes.set(`TrainingRuntime/${o.metadata?.namespace}/${o.metadata?.name}`, o);
  }
  return objects.flatMap((o) => {
    if (o.kind !== "TrainJob") return podTemplatesOf(o);
    const ref = o.spec?.runtimeRef ?? {};
    const runtime = ref.kind === "TrainingRuntime" ? runtimes.get(`TrainingRuntime/${o.metadata?.namespace}/${ref.name}`) : runtimes.get(`ClusterTrainingRuntime/${ref.name}`);
    return trainJobPods(o, runtime);
  });
}
