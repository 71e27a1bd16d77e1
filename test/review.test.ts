import { criticalPath, formatMinutes } from "../infra/review/criticalPath";
import { assessChange, blocking, guard, ResourceChange } from "../infra/review/dataLoss";
import { changedPaths, pathsOverlap, valuesAt } from "../infra/review/paths";
import { PlanResource } from "../infra/review/planDocument";
import { forcedChanges, replacementTable } from "../infra/review/replacement";

const FSX = "aws:fsx/lustreFileSystem:LustreFileSystem";
const fsxInputs = { deploymentType: "PERSISTENT_2", storageType: "SSD", storageCapacity: 4800, fileSystemTypeVersion: "2.15", subnetIds: "subnet-a", kmsKeyId: "arn:key/1" };

describe("input paths", () => {
  it("finds every list element a [*] pattern reaches", () => {
    const pod = { spec: { containers: [{ image: "a" }, { image: "b" }] } };
    expect([...valuesAt(pod, "spec.containers[*].image")]).toEqual([["spec.containers[0].image", "a"], ["spec.containers[1].image", "b"]]);
    expect([...valuesAt(pod, "spec.volumes")]).toEqual([]);
  });

  it("treats a path and anything under it as overlapping, siblings as not", () => {
    expect(pathsOverlap("scalingConfig.desiredSize", "scalingConfig.desiredSize")).toBe(true);
    expect(pathsOverlap("scalingConfig", "scalingConfig.desiredSize")).toBe(true);
    expect(pathsOverlap("spec.containers[*].image", "spec.containers[3].image")).toBe(true);
    expect(pathsOverlap("scalingConfig.desiredSize", "scalingConfig.maxSize")).toBe(false);
    expect(pathsOverlap("subnetIds", "subnetIdsExtra")).toBe(false);
  });

  it("lists leaf changes, a list that changes length as one change", () => {
    expect(changedPaths({ a: { b: 1, c: [1, 2] }, d: "x" }, { a: { b: 2, c: [1, 2, 3] }, d: "x" })).toEqual([
      { path: "a.b", before: 1, after: 2 },
      { path: "a.c", before: [1, 2], after: [1, 2, 3] },
    ]);
  });
});

describe("replacement table", () => {
  it("replaces the file system when its subnet (AZ), KMS key or deployment type changes", () => {
    expect(forcedChanges(FSX, fsxInputs, { ...fsxInputs, subnetIds: "subnet-b" }).map((f) => f.path)).toEqual(["subnetIds"]);
    expect(forcedChanges(FSX, fsxInputs, { ...fsxInputs, kmsKeyId: "arn:key/2", deploymentType: "PERSISTENT_1" }).map((f) => f.path)).toEqual(["deploymentType", "kmsKeyId"]);
    expect(forcedChanges(FSX, fsxInputs, { ...fsxInputs, tags: { a: "b" } })).toEqual([]);
  });

  it("replaces the file system when capacity shrinks by one GiB, not when it stays or grows", () => {
    expect(forcedChanges(FSX, fsxInputs, { ...fsxInputs, storageCapacity: 4799 })).toEqual([
      { path: "storageCapacity", before: 4800, after: 4799, condition: "capacity can only grow in place", source: replacementTable(FSX)!.source },
    ]);
    expect(forcedChanges(FSX, fsxInputs, { ...fsxInputs, storageCapacity: 4800 })).toEqual([]);
    expect(forcedChanges(FSX, fsxInputs, { ...fsxInputs, storageCapacity: 4801 })).toEqual([]);
  });

  it("replaces the file system for an older Lustre version, upgrades it in place for a newer one", () => {
    expect(forcedChanges(FSX, fsxInputs, { ...fsxInputs, fileSystemTypeVersion: "2.12" }).map((f) => f.condition)).toEqual(["a lower Lustre version; a higher one upgrades in place"]);
    expect(forcedChanges(FSX, { ...fsxInputs, fileSystemTypeVersion: "2.12" }, fsxInputs)).toEqual([]);
  });

  it("replaces a node group for a new instance type or subnet, not for a new size; ignoreChanges hides a path", () => {
    const ng = { instanceTypes: ["p5.48xlarge"], subnetIds: ["s-a"], scalingConfig: { minSize: 0, desiredSize: 2, maxSize: 8 } };
    const type = "aws:eks/nodeGroup:NodeGroup";
    expect(forcedChanges(type, ng, { ...ng, instanceTypes: ["p5en.48xlarge"] }).map((f) => f.path)).toEqual(["instanceTypes"]);
    expect(forcedChanges(type, ng, { ...ng, scalingConfig: { minSize: 1, desiredSize: 3, maxSize: 9 } })).toEqual([]);
    expect(forcedChanges(type, ng, { ...ng, subnetIds: ["s-b"] }, ["subnetIds"])).toEqual([]);
  });

  it("replaces any Kubernetes object renamed or moved, a claim whose class changes, not one that grows", () => {
    const pvc = { metadata: { name: "data", namespace: "team" }, spec: { storageClassName: "", resources: { requests: { storage: "100Gi" } } } };
    const type = "kubernetes:core/v1:PersistentVolumeClaim";
    expect(forcedChanges(type, pvc, { ...pvc, metadata: { name: "data2", namespace: "team" } }).map((f) => f.path)).toEqual(["metadata.name"]);
    expect(forcedChanges(type, pvc, { ...pvc, spec: { ...pvc.spec, storageClassName: "gp3" } }).map((f) => f.path)).toEqual(["spec.storageClassName"]);
    expect(forcedChanges(type, pvc, { ...pvc, spec: { ...pvc.spec, resources: { requests: { storage: "200Gi" } } } })).toEqual([]);
  });

  it("replaces a Job whose pod template changes and a Helm release that is renamed", () => {
    const job = { metadata: { name: "j" }, spec: { template: { spec: { containers: [{ image: "a:1" }] } } } };
    expect(forcedChanges("kubernetes:batch/v1:Job", job, { ...job, spec: { template: { spec: { containers: [{ image: "a:2" }] } } } }).map((f) => f.path)).toEqual(["spec.template"]);
    expect(forcedChanges("kubernetes:helm.sh/v3:Release", { name: "kueue", version: "1" }, { name: "kueue", version: "2" })).toEqual([]);
    expect(forcedChanges("kubernetes:helm.sh/v3:Release", { name: "kueue" }, { name: "kueue2" }).map((f) => f.path)).toEqual(["name"]);
  });

  it("knows nothing of a type outside the table (no replacement claimed)", () => {
    expect(replacementTable("aws:iam/role:Role")).toBeUndefined();
    expect(forcedChanges("aws:iam/role:Role", { name: "a" }, { name: "b" })).toEqual([]);
  });
});

describe("data-loss guard", () => {
  const change = (type: string, inputs: Record<string, unknown> = {}, op: "replace" | "delete" = "replace"): ResourceChange => ({
    urn: `urn:pulumi:prod::llm-platform::llm-platform:index:Platform$${type}::res`,
    type,
    name: "res",
    op,
    reasons: op === "replace" ? [{ path: "subnetIds", before: "a", after: "b" }] : [],
    inputs,
  });
  const level = (c: ResourceChange) => assessChange(c)?.level;

  it.each([
    [FSX],
    ["aws:s3/bucket:Bucket"],
    ["aws:eks/cluster:Cluster"],
    ["aws:kms/key:Key"],
    ["kubernetes:core/v1:Namespace"],
  ])("refuses replacing or deleting %s", (type) => {
    expect(level(change(type))).toBe("mandatory");
    expect(level(change(type, {}, "delete"))).toBe("mandatory");
  });

  it("refuses a dynamically provisioned claim, advises on one bound to a named volume", () => {
    const pvc = "kubernetes:core/v1:PersistentVolumeClaim";
    expect(level(change(pvc, { spec: { storageClassName: "gp3" } }))).toBe("mandatory");
    expect(level(change(pvc, { spec: { volumeName: "llm-shared-data-team" } }))).toBe("advisory");
  });

  it("refuses a volume that does not retain its storage, advises on one that does", () => {
    const pv = "kubernetes:core/v1:PersistentVolume";
    expect(level(change(pv, { spec: { persistentVolumeReclaimPolicy: "Delete" } }))).toBe("mandatory");
    expect(level(change(pv, { spec: {} }))).toBe("mandatory");
    expect(level(change(pv, { spec: { persistentVolumeReclaimPolicy: "Retain" } }))).toBe("advisory");
  });

  it("refuses replacing a training pool's node group, advises on a system or inference pool's", () => {
    const ng = "aws:eks/nodeGroup:NodeGroup";
    expect(level(change(ng, { labels: { "llm-platform/purpose": "training" } }))).toBe("mandatory");
    expect(level(change(ng, { labels: { "llm-platform/purpose": "system" } }))).toBe("advisory");
    expect(level(change(ng, { labels: { "llm-platform/purpose": "inference" } }))).toBe("advisory");
  });

  it("refuses deleting a data repository association that deletes its files, advises otherwise", () => {
    const dra = "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation";
    expect(level(change(dra, { deleteDataInFilesystem: true }, "delete"))).toBe("mandatory");
    expect(level(change(dra, { deleteDataInFilesystem: false }, "delete"))).toBe("advisory");
  });

  it("says nothing of resources holding no data", () => {
    expect(assessChange(change("aws:ec2/securityGroup:SecurityGroup"))).toBeUndefined();
  });

  it("names the resource, the forcing input and what it holds", () => {
    expect(assessChange({ ...change(FSX), protect: true })!.message).toBe(
      "this change replaces LustreFileSystem res (forced by `subnetIds` a → b), which holds tokenised shards and checkpoints not yet exported to the S3 bucket " +
        "(export runs behind writes), and the hours of tokenising and import that filled it. FSx deletes a file system's data with it; its replacement starts empty. " +
        "It is protected: `pulumi up` would stop at the delete, after creating any replacement.",
    );
  });

  it("reports an accepted replacement without failing on it, by name or URN", () => {
    const findings = guard([change(FSX), { ...change("aws:s3/bucket:Bucket"), name: "data", urn: "urn:x::data" }], ["res"]);
    expect(findings.map((f) => [f.name, f.level, f.accepted])).toEqual([["res", "mandatory", true], ["data", "mandatory", false]]);
    expect(blocking(findings).map((f) => f.name)).toEqual(["data"]);
    expect(blocking(guard([change(FSX)], [change(FSX).urn]))).toEqual([]);
  });
});

describe("critical path", () => {
  const resource = (name: string, type: string, extra: Partial<PlanResource> = {}, inputs: Record<string, unknown> = {}): PlanResource => ({
    urn: `urn:pulumi:t::p::${type}::${name}`,
    type,
    name,
    parent: null,
    inputs,
    options: { protect: false, retainOnDelete: false, dependsOn: [], ignoreChanges: [], deleteBeforeReplace: false },
    ...extra,
  });
  // Hand-built graph. Typical minutes: cluster 15, node group 5, release 2, FSx 15, job 2; at most
  // 30, 60, 5 (the release's default timeout), 30 and the job's own 7200 s = 120.
  const cluster = resource("cluster", "aws:eks/cluster:Cluster");
  const pool = resource("pool", "llm-platform:nodes:NodePool", { custom: false, inputDependencies: [cluster.urn] });
  const nodeGroupIn = (purpose: string) => resource("ng", "aws:eks/nodeGroup:NodeGroup", { parent: pool.urn }, { labels: { "llm-platform/purpose": purpose } });
  const addons = resource("addons", "llm-platform:cluster:Addons", { custom: false, options: { protect: false, retainOnDelete: false, dependsOn: [pool.urn], ignoreChanges: [], deleteBeforeReplace: false } });
  const release = resource("release", "kubernetes:helm.sh/v3:Release", { parent: addons.urn });
  const fsx = resource("fsx", FSX);
  const job = resource("job", "kubernetes:batch/v1:Job", { inputDependencies: [fsx.urn] }, { metadata: { annotations: { "pulumi.com/timeoutSeconds": "7200" } } });
  const graph = [cluster, pool, nodeGroupIn("training"), addons, release, fsx, job];

  it("follows components: a node group waits for what its pool's inputs need, a release for what its parent depends on", () => {
    const path = criticalPath(graph);
    // cluster 15 → node group 5 → release 2 = 22 beats FSx 15 → job 2 = 17.
    expect(path.steps.map((s) => s.name)).toEqual(["cluster", "ng", "release"]);
    expect(path.minutes).toBe(15 + 5 + 2);
    expect(path.maxMinutes).toBe(30 + 60 + 5);
  });

  it("finds the worst case along another chain when a step's timeout dominates", () => {
    // FSx 30 + job 120 = 150 beats cluster 30 + node group 60 + release 5 = 95.
    const path = criticalPath(graph);
    expect(path.worstCase.steps.map((s) => s.name)).toEqual(["fsx", "job"]);
    expect(path.worstCase.maxMinutes).toBe(30 + 120);
  });

  it("makes a waiting workload wait for a system node to run on", () => {
    const path = criticalPath([cluster, pool, nodeGroupIn("system"), addons, release, fsx, job]);
    // The job now also waits for the system node group: cluster 30 + node group 60 + job 120 = 210.
    expect(path.worstCase.steps.map((s) => s.name)).toEqual(["cluster", "ng", "job"]);
    expect(path.worstCase.maxMinutes).toBe(30 + 60 + 120);
  });

  it("times only what a change creates when told so", () => {
    const onlyFsx = criticalPath(graph, (r) => (r.urn === fsx.urn ? { minutes: 15, maxMinutes: 30, source: "test" } : undefined));
    expect(onlyFsx.steps.map((s) => s.name)).toEqual(["fsx"]);
    expect(onlyFsx.minutes).toBe(15);
    expect(criticalPath([]).steps).toEqual([]);
  });

  it("writes minutes and hours", () => {
    expect([formatMinutes(0), formatMinutes(59), formatMinutes(60), formatMinutes(95), formatMinutes(450)]).toEqual(["0 min", "59 min", "1 h", "1 h 35 min", "7 h 30 min"]);
  });
});
