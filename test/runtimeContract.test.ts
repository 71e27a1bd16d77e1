import { parse } from "yaml";
import { containersOf, podsOfObjects } from "../infra/k8s/podTemplates";
import { claimLookup, podVolumeProblems } from "../infra/k8s/volumes";
import { findAmiRelease, releaseMinor } from "../infra/nodes/eksAmi";
import { podsReadyEstimate, poolShape } from "../infra/queues/podsReady";
import { trainingGpuPools } from "../infra/queues/pools";
import { launchCommandProblems } from "../infra/training/launcher";
import { CLUSTER_AUTOSCALER_BY_MINOR } from "../infra/versions";
import { recordProgram } from "../infra/plan/record";
import main from "../infra/index";
import { RecordedResource } from "../infra/plan/record";
import { referencePlan } from "./helpers/plan";
import { referenceConfig } from "./helpers/stacks";
import { describeWithUpstream, readUpstreamYaml, SHARED_UPSTREAM } from "./helpers/upstream";
import * as fs from "fs";
import * as path from "path";

// The run-time contract of every reference stack, read from its recorded plan: what the kubelet,
// the launcher, the charts' controllers and the cloud APIs will do with it — separate from schema
// validation (k8sSchemas.test.ts), which these objects passed before they were fixed.

const STACKS = ["dev", "staging", "prod", "onprem"] as const;
const objectsOf = (resources: readonly RecordedResource[]) => resources.filter((r) => r.type.startsWith("kubernetes:") && (r.inputs as any).kind).map((r) => r.inputs as any);

describe.each(STACKS)("the %s stack at run time", (stack) => {
  it("every pod can mount its volumes (no claim twice, no missing volume, no writable read-only claim)", async () => {
    const objects = objectsOf((await referencePlan(stack)).resources);
    const pods = podsOfObjects(objects);
    expect(pods.length).toBeGreaterThan(0);
    const lookup = claimLookup(objects);
    expect(pods.flatMap((p) => podVolumeProblems(p, lookup))).toEqual([]);
  });

  it("every launcher command runs on the stack's DeepSpeed and hands ranks the fabric's environment", async () => {
    const plan = await referencePlan(stack);
    const objects = objectsOf(plan.resources);
    const jobs = objects.filter((o) => o.kind === "TrainJob");
    for (const launcher of podsOfObjects(objects).filter((p) => p.where.startsWith("TrainJob ") && p.where.endsWith("/ launcher"))) {
      const job = jobs.find((j) => launcher.where.includes(`${j.metadata.namespace}/${j.metadata.name} `))!;
      const node = launcher.spec.containers!.find((c) => c.name === "node")!;
      const fabricEnv = (node.env ?? []).map((e) => e.name).filter((n) => !job.spec.trainer.env.some((e: { name: string }) => e.name === n));
      expect(fabricEnv.length).toBeGreaterThan(0);
      expect(launchCommandProblems(node.command!, { deepspeedVersion: plan.spec.gpuStack.deepspeedVersion, fabricEnv, nodes: job.spec.trainer.numNodes })).toEqual([]);
    }
  });

  it("no container fetches software at start-up and every image is pinned", async () => {
    const pods = podsOfObjects(objectsOf((await referencePlan(stack)).resources));
    for (const c of pods.flatMap((p) => containersOf(p.spec))) {
      expect([c.name, [...(c.command ?? []), ...(c.args ?? [])].join(" ")]).not.toEqual([c.name, expect.stringMatching(/apk add|apt-get install|pip install|curl |wget /)]);
      expect([c.name, c.image]).toEqual([c.name, expect.stringMatching(/:[^:/]+$|@sha256:[0-9a-f]{64}$/)]);
      expect(c.image).not.toMatch(/:latest$/);
    }
  });

  it("Kueue waits long enough for every training pool to boot, pull and start", async () => {
    const plan = await referencePlan(stack);
    const kueue = plan.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && String((r.inputs as any).chart).endsWith("/kueue"));
    if (!kueue) return; // no teams, no Kueue
    const timeout = parse((kueue.inputs as any).values.managerConfig.controllerManagerConfigYaml).waitForPodsReady.timeout as string;
    const needed = Math.max(...trainingGpuPools(plan.spec).map((p) => podsReadyEstimate(poolShape(p)).timeoutMinutes));
    expect(Number(timeout.replace("m", ""))).toBeGreaterThanOrEqual(needed);
  });

  it("no ServiceAccount keeps cluster-admin", async () => {
    const bindings = objectsOf((await referencePlan(stack)).resources).filter((o) => o.kind === "ClusterRoleBinding" || o.kind === "RoleBinding");
    expect(bindings.filter((b) => b.roleRef.name === "cluster-admin" && b.subjects.some((s: any) => s.kind === "ServiceAccount"))).toEqual([]);
  });
});

describe.each(["dev", "staging", "prod"] as const)("the AWS stack %s at run time", (stack) => {
  it("pins every node group to the AMI release whose NVIDIA driver is gpuStack's", async () => {
    const plan = await referencePlan(stack);
    const groups = plan.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup").map((r) => r.inputs as any);
    for (const g of groups) {
      expect(releaseMinor(g.releaseVersion)).toBe(plan.spec.target === "aws" ? plan.spec.cluster.kubernetesVersion : "");
      if (g.amiType === "AL2023_x86_64_NVIDIA") expect(findAmiRelease(g.releaseVersion)?.nvidiaDriver).toBe(plan.spec.gpuStack.driverVersion);
    }
  });

  it("runs the autoscaler of the cluster's minor, from the chart of that minor", async () => {
    const plan = await referencePlan(stack);
    const release = plan.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && (r.inputs as any).chart === "cluster-autoscaler")!.inputs as any;
    const minor = plan.spec.target === "aws" ? plan.spec.cluster.kubernetesVersion : "";
    expect(release.version).toBe(CLUSTER_AUTOSCALER_BY_MINOR[minor].chart.version);
    expect(release.values.image.tag).toMatch(new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`));
  });

  it("creates Kubernetes objects only after the system pool's nodes, and the file system after its Lustre rules", async () => {
    const plan = await referencePlan(stack);
    const provider = plan.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    const system = plan.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name === `${stack}-system`)!;
    expect(provider.options.dependsOn).toContain(system.urn);
    const fsx = plan.resources.find((r) => r.type === "aws:fsx/lustreFileSystem:LustreFileSystem");
    if (fsx) {
      const rules = plan.resources.filter((r) => r.type.startsWith("aws:vpc/securityGroup") && r.name.includes("lustre"));
      // 988 and 1018–1023 × 5: into the file system from the nodes and from itself, out of it to itself and to
      // the nodes, and into the nodes from it (FSx for Lustre guide, "File system access control with Amazon VPC").
      expect(rules.length).toBe(10);
      for (const rule of rules) expect(fsx.options.dependsOn).toContain(rule.urn);
      // and the nodes' group admits the file servers on both port ranges
      expect(plan.resources.filter((r) => r.name.includes("nodes-from-lustre")).map((r) => [(r.inputs as any).fromPort, (r.inputs as any).toPort])).toEqual([[988, 988], [1018, 1023]]);
    }
  });

  it("gives claims without a class a default: the EBS CSI add-on with Pod Identity and one encrypted gp3 class", async () => {
    const plan = await referencePlan(stack);
    const addon = plan.resources.find((r) => r.type === "aws:eks/addon:Addon" && (r.inputs as any).addonName === "aws-ebs-csi-driver")!;
    expect((addon.inputs as any).podIdentityAssociations).toEqual([{ roleArn: expect.any(String), serviceAccount: "ebs-csi-controller-sa" }]);
    const classes = objectsOf(plan.resources).filter((o) => o.kind === "StorageClass");
    expect(classes).toEqual([expect.objectContaining({ provisioner: "ebs.csi.aws.com", metadata: { name: "gp3-encrypted", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, parameters: expect.objectContaining({ type: "gp3", encrypted: "true" }) })]);
  });
});

describe("tokenisation at run time", () => {
  it("prod's gated Llama tokenizer gets its token from the named Secret, never a literal", async () => {
    const job = objectsOf((await referencePlan("prod")).resources).find((o) => o.kind === "Job" && String(o.metadata.name).startsWith("tokenise-"));
    const env = job.spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: "HF_HOME", value: "/data/cache/huggingface" },
      { name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token", key: "token" } } },
    ]);
  });

  it("onprem's staged ChatGLM2 tokenizer loads offline and with its own code", async () => {
    const objects = objectsOf((await referencePlan("onprem")).resources);
    const job = objects.find((o) => o.kind === "Job" && String(o.metadata.name).startsWith("tokenise-"));
    expect(job.spec.template.spec.containers[0].env).toEqual([{ name: "HF_HOME", value: "/data/cache/huggingface" }, { name: "HF_HUB_OFFLINE", value: "1" }]);
    const config = JSON.parse(objects.find((o) => o.kind === "ConfigMap" && o.data?.["dataset.json"]).data["dataset.json"]);
    expect(config.loading).toEqual({ trustRemoteCode: true, offline: true });
  });
});

describe("pulumi up on a deployer without the vendored Kubeflow Pipelines manifests", () => {
  it("stops with what to run instead of failing half-way in the provider", async () => {
    const config = referenceConfig("dev");
    await expect(recordProgram("llm-platform", config, () => main())).rejects.toThrow(
      'llm-platform:pipelines.manifestsDir "vendor/kubeflow-pipelines/2.14.3/manifests/kustomize": vendor/kubeflow-pipelines/2.14.3/manifests/kustomize/cluster-scoped-resources/kustomization.yaml, vendor/kubeflow-pipelines/2.14.3/manifests/kustomize/env/platform-agnostic/kustomization.yaml not found; run `npm run kfp:vendor`',
    );
  });
});

/**
 * What each autoscaler version lists and watches (independent of the chart): its informers for
 * scheduling simulation and drain — kubernetes/autoscaler cluster-autoscaler/utils/kubernetes/listers.go
 * (nodes, pods, PDBs, DaemonSets, ReplicationControllers, Jobs, ReplicaSets, StatefulSets), the
 * scheduler framework's volume plugins (PVs, PVCs, StorageClasses, CSINodes, CSIDrivers,
 * CSIStorageCapacities), namespaces and services, configmaps (its status), and from 1.32
 * VolumeAttachments (kubernetes/autoscaler#7663; 1.33 blocks on its sync, #7897).
 */
const WATCHED: Record<string, [group: string, resource: string][]> = {
  common: [
    ["", "nodes"], ["", "pods"], ["", "namespaces"], ["", "services"], ["", "replicationcontrollers"], ["", "persistentvolumeclaims"], ["", "persistentvolumes"], ["", "configmaps"],
    ["policy", "poddisruptionbudgets"], ["apps", "daemonsets"], ["apps", "replicasets"], ["apps", "statefulsets"], ["batch", "jobs"],
    ["storage.k8s.io", "storageclasses"], ["storage.k8s.io", "csinodes"], ["storage.k8s.io", "csidrivers"], ["storage.k8s.io", "csistoragecapacities"],
  ],
  "1.33": [["storage.k8s.io", "volumeattachments"]],
  "1.34": [["storage.k8s.io", "volumeattachments"]],
};

/** The rules of a chart's ClusterRole template, its Helm conditionals stripped (the AWS provider enables none of them). */
function clusterRoleRules(chartVersion: string): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const text = fs.readFileSync(path.join(SHARED_UPSTREAM, "charts", "cluster-autoscaler", chartVersion, "templates", "clusterrole.yaml"), "utf8");
  const plain: string[] = [];
  let skipping = 0;
  for (const line of text.split("\n")) {
    const directive = /\{\{-?\s*(if|end|else)\b/.exec(line);
    if (directive?.[1] === "if" && plain.length > 0) skipping++;
    if (skipping === 0 && !line.includes("{{")) plain.push(line);
    if (directive?.[1] === "end" && skipping > 0) skipping--;
  }
  return parse(plain.join("\n")).rules;
}

const grants = (rules: ReturnType<typeof clusterRoleRules>, group: string, resource: string, verb: string) =>
  rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

describeWithUpstream("the pinned autoscaler chart of each supported minor grants what that autoscaler watches (../shared/upstream/charts/cluster-autoscaler)", () => {
  it.each(Object.entries(CLUSTER_AUTOSCALER_BY_MINOR))("Kubernetes %s", (minor, pin) => {
    expect(readUpstreamYaml(`charts/cluster-autoscaler/${pin.chart.version}/Chart.yaml`).appVersion).toBe(pin.image.tag.replace(/^v/, ""));
    const rules = clusterRoleRules(pin.chart.version);
    const missing = [...WATCHED.common, ...(WATCHED[minor] ?? [])].flatMap(([group, resource]) => ["list", "watch"].filter((verb) => !grants(rules, group, resource, verb)).map((verb) => `${verb} ${group || "core"}/${resource}`));
    expect(missing).toEqual([]);
  });

  it("would notice a chart without the volumeattachments rule (as 9.43.1 had)", () => {
    const rules = clusterRoleRules("9.47.0").map((r) => ({ ...r, resources: r.resources.filter((x) => x !== "volumeattachments") }));
    expect(grants(rules, "storage.k8s.io", "volumeattachments", "watch")).toBe(false);
    expect(grants(clusterRoleRules("9.47.0"), "storage.k8s.io", "volumeattachments", "watch")).toBe(true);
  });
});
