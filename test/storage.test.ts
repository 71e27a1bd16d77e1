import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { PersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import { Job } from "kubernetes-models/batch/v1/Job";
import { parseSpec } from "../infra/config/spec";
import { canonicalJson, tokeniseJobConfig } from "../infra/data/tokenise";
import { fileSystemReplacementReasons } from "../infra/storage/fileSystem";
import { fsxCsiDriverValues } from "../infra/storage/values";
import type * as planCliModule from "../infra/plan/cli";
// Required where used: the module loads the whole program (Pulumi SDKs), seconds per test file.
const planCli = () => require("../infra/plan/cli") as typeof planCliModule;
import { CHARTS } from "../infra/versions";
import { fileSystemNotReplaced, sharedStorageProtected } from "../policies/storage";
import { runPolicies } from "../policies/run";
import { named, ofType, referencePlan, itWithPlan } from "./helpers/plan";
import { recorded } from "./helpers/resources";
import { PROJECT_DIR, referenceConfig } from "./helpers/stacks";
import { describeWithUpstream, readUpstreamYaml, unknownValueKeys } from "./helpers/upstream";

describe("shared storage on AWS (prod)", () => {
  itWithPlan("encrypts, versions and locks down the bucket, aborts stale uploads and refuses plain HTTP", async () => {
    const prod = await referencePlan("prod");
    expect(named(prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "prod-storage-data").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:us-east-1:000000000000:key/plan-prod-storage-data" }, bucketKeyEnabled: true },
    ]);
    expect(named(prod, "aws:s3/bucketVersioning:BucketVersioning", "prod-storage-data").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(named(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "prod-storage-data").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    const rules = named(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "prod-storage-data").inputs.rules as any[];
    expect(rules[0]).toEqual({ id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } });
    const policy = JSON.parse(named(prod, "aws:s3/bucketPolicy:BucketPolicy", "prod-storage-data").inputs.policy as string);
    expect(policy.Statement[0]).toMatchObject({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    const key = named(prod, "aws:kms/key:Key", "prod-storage-data");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true });
    // FSx's S3 access role may use the key, or the data repository association cannot touch the bucket
    const statements = JSON.parse(key.inputs.policy as string).Statement;
    expect(statements.map((s: any) => s.Sid)).toEqual(["AccountIamPolicies", "FsxS3DataRepositoryAccess"]);
    expect(statements[1].Condition).toEqual({
      StringEquals: { "kms:CallerAccount": "000000000000" },
      ArnLike: { "aws:PrincipalArn": "arn:aws:iam::000000000000:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*" },
    });
  });

  itWithPlan("protects and retains the bucket and the file system", async () => {
    const prod = await referencePlan("prod");
    for (const r of [named(prod, "aws:s3/bucket:Bucket", "prod-storage-data"), named(prod, "aws:fsx/lustreFileSystem:LustreFileSystem", "prod-storage-shards")]) {
      expect(r.options).toMatchObject({ protect: true, retainOnDelete: true });
    }
  });

  itWithPlan("builds a PERSISTENT_2 file system from config, KMS-encrypted, in the EFA training pools' subnet", async () => {
    const prod = await referencePlan("prod");
    const fsx = named(prod, "aws:fsx/lustreFileSystem:LustreFileSystem", "prod-storage-shards");
    expect(fsx.inputs).toMatchObject({
      deploymentType: "PERSISTENT_2",
      storageCapacity: 4800,
      perUnitStorageThroughput: 250,
      fileSystemTypeVersion: "2.15",
      subnetIds: "plan-prod-vpc-private-us-east-1a-id",
      securityGroupIds: ["plan-prod-storage-lustre-id"],
      kmsKeyId: "arn:aws:kms:us-east-1:000000000000:key/plan-prod-storage-data",
    });
    const h100 = named(prod, "aws:eks/nodeGroup:NodeGroup", "prod-train-h100");
    expect(h100.inputs.subnetIds).toEqual(["plan-prod-vpc-private-us-east-1a-id"]);
  });

  itWithPlan("opens only the Lustre ports, only from the nodes' security group and the file servers", async () => {
    const prod = await referencePlan("prod");
    const ingress = ofType(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("prod-storage-lustre"));
    expect(ingress.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort])).toEqual([
      ["plan-prod-eks-cluster-sg", "tcp", 988, 988],
      ["plan-prod-storage-lustre-id", "tcp", 988, 988],
      ["plan-prod-eks-cluster-sg", "tcp", 1018, 1023],
      ["plan-prod-storage-lustre-id", "tcp", 1018, 1023],
    ]);
    for (const r of ingress) {
      expect(r.inputs.securityGroupId).toBe("plan-prod-storage-lustre-id");
      expect(r.inputs).not.toHaveProperty("cidrIpv4");
    }
  });

  itWithPlan("links the file system to the whole bucket, importing every change and exporting new and changed files (never deletions)", async () => {
    const dra = named(await referencePlan("prod"), "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation", "prod-storage-shards");
    expect(dra.inputs).toMatchObject({
      fileSystemId: "plan-prod-storage-shards-id",
      fileSystemPath: "/",
      dataRepositoryPath: "s3://plan-prod-storage-data/",
      batchImportMetaDataOnCreate: true,
      s3: { autoImportPolicy: { events: ["NEW", "CHANGED", "DELETED"] }, autoExportPolicy: { events: ["NEW", "CHANGED"] } },
    });
  });

  itWithPlan("gives every team a ReadWriteMany claim bound to a static FSx volume on its own subtree, and the root only to the platform", async () => {
    const prod = await referencePlan("prod");
    const claims = ofType(prod, "kubernetes:core/v1:PersistentVolumeClaim");
    expect(claims.map((c) => `${(c.inputs as any).metadata.namespace}/${(c.inputs as any).metadata.name}`)).toEqual(["llm-platform/llm-shared-data-root", "sales-dialogue/llm-shared-data", "research/llm-shared-data"]);
    for (const claim of claims) {
      expect((claim.inputs as any).spec).toMatchObject({ accessModes: ["ReadWriteMany"], storageClassName: "" });
      expect(() => new PersistentVolumeClaim(claim.inputs as never).validate()).not.toThrow();
    }
    const volumes = ofType(prod, "kubernetes:core/v1:PersistentVolume");
    // The mock engine's file system: id plan-prod-storage-shards-id, mount name plan0mnt.
    const dnsname = "plan-prod-storage-shards.fsx.us-east-1.amazonaws.invalid";
    expect(volumes.map((v) => [(v.inputs as any).metadata.name, (v.inputs as any).spec.claimRef, (v.inputs as any).spec.csi])).toEqual([
      ["llm-shared-data-root", { namespace: "llm-platform", name: "llm-shared-data-root" }, { driver: "fsx.csi.aws.com", volumeHandle: "plan-prod-storage-shards-id", volumeAttributes: { dnsname, mountname: "plan0mnt" } }],
      ["llm-shared-data-sales-dialogue", { namespace: "sales-dialogue", name: "llm-shared-data" }, { driver: "fsx.csi.aws.com", volumeHandle: "plan-prod-storage-shards-id::teams/sales-dialogue", volumeAttributes: { dnsname, mountname: "plan0mnt/teams/sales-dialogue" } }],
      ["llm-shared-data-research", { namespace: "research", name: "llm-shared-data" }, { driver: "fsx.csi.aws.com", volumeHandle: "plan-prod-storage-shards-id::teams/research", volumeAttributes: { dnsname, mountname: "plan0mnt/teams/research" } }],
    ]);
    for (const volume of volumes) {
      expect((volume.inputs as any).spec.persistentVolumeReclaimPolicy).toBe("Retain");
      expect(() => new PersistentVolume(volume.inputs as never).validate()).not.toThrow();
    }
    // Team volumes exist only once the team-directories Job has made their trees.
    const job = ofType(prod, "kubernetes:batch/v1:Job").find((j) => (j.inputs as any).metadata.name.startsWith("team-directories-"))!;
    expect(volumes.slice(1).every((v) => v.options.dependsOn.includes(job.urn))).toBe(true);
  });

  itWithPlan("makes each team's tree with a root Job that keeps only chown and chmod capabilities and takes team names as arguments", async () => {
    const prod = await referencePlan("prod");
    const job = ofType(prod, "kubernetes:batch/v1:Job").find((j) => (j.inputs as any).metadata.name.startsWith("team-directories-"))!;
    const pod = (job.inputs as any).spec.template.spec;
    expect((job.inputs as any).metadata.namespace).toBe("llm-platform");
    expect(pod.containers[0].args).toEqual(["sales-dialogue", "research"]);
    // The shell text holds no team name: the names reach it as "$@" only.
    expect(pod.containers[0].command.join(" ")).not.toMatch(/sales-dialogue|research/);
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"], add: ["CHOWN", "DAC_OVERRIDE", "FOWNER"] }, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.volumes).toEqual([{ name: "root", persistentVolumeClaim: { claimName: "llm-shared-data-root" } }]);
    expect(pod.automountServiceAccountToken).toBe(false);
    // Tokenising waits for the trees.
    const tokenise = ofType(prod, "kubernetes:batch/v1:Job").find((j) => (j.inputs as any).metadata.name.startsWith("tokenise-"))!;
    expect(tokenise.options.dependsOn).toEqual([job.urn]);
  });

  itWithPlan("logs every request to the data bucket into a protected, private, SSE-S3 log bucket that only S3's logging service may write", async () => {
    const prod = await referencePlan("prod");
    const logging = named(prod, "aws:s3/bucketLogging:BucketLogging", "prod-storage-data");
    expect(logging.inputs).toEqual({ bucket: "plan-prod-storage-data-id", targetBucket: "plan-prod-storage-access-logs-id", targetPrefix: "s3-access/" });
    const logBucket = named(prod, "aws:s3/bucket:Bucket", "prod-storage-access-logs");
    expect([logBucket.options.protect, logBucket.options.retainOnDelete]).toEqual([true, true]);
    expect((named(prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "prod-storage-access-logs").inputs as any).rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    expect((named(prod, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "prod-storage-access-logs").inputs as any).rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    const policy = JSON.parse((named(prod, "aws:s3/bucketPolicy:BucketPolicy", "prod-storage-access-logs").inputs as any).policy);
    expect(policy.Statement[0]).toEqual({
      Sid: "S3ServerAccessLogsPolicy",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::plan-prod-storage-access-logs/s3-access/*",
      Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::plan-prod-storage-data" }, StringEquals: { "aws:SourceAccount": "000000000000" } }, // the mock engine's caller account
    });
    expect(policy.Statement[1]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    // The log bucket's policy must exist before S3 starts delivering.
    expect(logging.options.dependsOn).toEqual([named(prod, "aws:s3/bucketPolicy:BucketPolicy", "prod-storage-access-logs").urn]);
    // The data key is kept as long as the data it encrypts.
    const key = named(prod, "aws:kms/key:Key", "prod-storage-data");
    expect([key.options.protect, key.options.retainOnDelete]).toEqual([true, true]);
  });

  itWithPlan("installs the pinned FSx CSI driver (node plugin only: volumes are static)", async () => {
    const release = named(await referencePlan("prod"), "kubernetes:helm.sh/v3:Release", "prod-storage-fsx-csi");
    expect(release.inputs).toMatchObject({ chart: "aws-fsx-csi-driver", version: "1.17.0", namespace: "kube-system", values: { nodeComponentOnly: true } });
  });

  itWithPlan("has no shared storage on dev", async () => {
    expect(ofType(await referencePlan("dev"), "aws:fsx/lustreFileSystem:LustreFileSystem")).toEqual([]);
  });
});

describe("shared storage on-prem", () => {
  itWithPlan("claims the configured ReadWriteMany StorageClass in each team namespace and creates no AWS resource", async () => {
    const onprem = await referencePlan("onprem");
    expect(onprem.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    const claim = named(onprem, "kubernetes:core/v1:PersistentVolumeClaim", "onprem-storage-sales-dialogue");
    expect((claim.inputs as any).spec).toEqual({ accessModes: ["ReadWriteMany"], storageClassName: "cephfs", resources: { requests: { storage: "2000Gi" } } });
    // The claim is the team's data: protected, and kept when the stack is destroyed.
    expect([claim.options.protect, claim.options.retainOnDelete]).toEqual([true, true]);
  });
});

describe("tokenise-once job", () => {
  itWithPlan("is an indexed Job on the data-prep image, mounting the shared claim, one worker per rank by default", async () => {
    const prod = await referencePlan("prod");
    const job = ofType(prod, "kubernetes:batch/v1:Job").find((j) => (j.inputs as any).metadata.name.startsWith("tokenise-"))!;
    const spec = (job.inputs as any).spec;
    expect(spec).toMatchObject({ completionMode: "Indexed", completions: 16, parallelism: 16, backoffLimitPerIndex: 3 });
    const container = spec.template.spec.containers[0];
    expect(container.image).toBe("444455556666.dkr.ecr.us-east-1.amazonaws.com/llm-platform/llm-dataprep:torch2.7.1-cu128-ds0.17.1");
    expect(container.command).toEqual(["python3", "/opt/llm-platform/tokenise.py", "--config", "/etc/llm-platform/dataset.json"]);
    expect(spec.template.spec.volumes[0]).toEqual({ name: "data", persistentVolumeClaim: { claimName: "llm-shared-data" } });
    expect((job.inputs as any).metadata.namespace).toBe("sales-dialogue");
    expect(() => new Job(job.inputs as never).validate()).not.toThrow();
  });

  itWithPlan("ships exactly the tested Python sources and the job config", async () => {
    const prod = await referencePlan("prod");
    const maps = ofType(prod, "kubernetes:core/v1:ConfigMap").filter((c) => (c.inputs as any).metadata.name.startsWith("tokenise-"));
    const code = (maps.find((m) => (m.inputs as any).metadata.name.endsWith("-code"))!.inputs as any).data;
    for (const file of ["tokenise.py", "hygiene.py", "shards.py", "manifest.py"]) {
      expect(code[file]).toBe(fs.readFileSync(path.join(PROJECT_DIR, "jobs", "tokenise", file), "utf8"));
    }
    const config = JSON.parse((maps.find((m) => (m.inputs as any).metadata.name.endsWith("-config"))!.inputs as any).data["dataset.json"]);
    expect(config).toMatchObject({ dataRoot: "/data", rawPath: "raw/sales-dialogue/2026-11-01", parallelism: 16 });
    expect(config.identity.shardPlan).toEqual({ shardCount: 16, worldSize: 16, tokenBytes: 4 });
    expect(config.shardDir).toBe(`shards/sales-dialogue/${config.manifestKey}`);
  });

  it("computes the manifest key exactly as the Python job does", () => {
    const spec = parseSpec(referenceConfig("prod"));
    const config = tokeniseJobConfig(spec, spec.datasets[0]);
    const python = execFileSync("python3", ["-c", "import json,sys; from manifest import manifest_key, canonical_json; c=json.load(sys.stdin); print(manifest_key(c['identity'])); print(canonical_json(c['identity']))"], {
      cwd: path.join(PROJECT_DIR, "jobs", "tokenise"),
      input: JSON.stringify(config),
    }).toString().trim().split("\n");
    expect(python[0]).toBe(config.manifestKey);
    expect(python[1]).toBe(canonicalJson(config.identity));
  });
});

describe("policy file-system-not-replaced (mandatory)", () => {
  const identity = { deploymentType: "PERSISTENT_2", storageType: "SSD", availabilityZone: "us-east-1a", kmsKeyAlias: "alias/k", fileSystemTypeVersion: "2.15", storageCapacityGiB: 4800 };
  const component = (previous: unknown, next: unknown) => recorded("llm-platform:storage:SharedStorage", "storage", { identity: next, previousIdentity: previous });

  it("passes a new stack and an in-place change (a larger capacity)", async () => {
    expect((await runPolicies([fileSystemNotReplaced], [component(undefined, identity)])).violations).toEqual([]);
    expect((await runPolicies([fileSystemNotReplaced], [component(identity, { ...identity, storageCapacityGiB: 7200 })])).violations).toEqual([]);
  });

  it("fails a change of AZ or a smaller capacity, naming what changes", async () => {
    const { violations } = await runPolicies([fileSystemNotReplaced], [component(identity, { ...identity, availabilityZone: "us-east-1b", storageCapacityGiB: 2400 })]);
    expect(violations.map((v) => v.message)).toEqual([
      "this change replaces the FSx file system and destroys the shards on it: availabilityZone us-east-1a → us-east-1b; storageCapacityGiB 4800 → 2400 (capacity can only grow in place). " +
        "Revert it, or export the shards to S3, then change storage.fsx deliberately with this policy disabled for that one update.",
    ]);
    expect(fileSystemReplacementReasons(identity, { ...identity, kmsKeyAlias: "alias/other" })).toEqual(["kmsKeyAlias alias/k → alias/other"]);
    // Same table as the offline diff: an older Lustre version replaces, a newer one upgrades in place.
    expect(fileSystemReplacementReasons(identity, { ...identity, fileSystemTypeVersion: "2.12" })).toEqual(["fileSystemTypeVersion 2.15 → 2.12 (a lower Lustre version; a higher one upgrades in place)"]);
    expect(fileSystemReplacementReasons({ ...identity, fileSystemTypeVersion: "2.12" }, identity)).toEqual([]);
  });

  itWithPlan("catches it in the plan from the deployed stack's outputs", async () => {
    const spec = parseSpec(referenceConfig("prod"));
    const deployed = path.join(fs.mkdtempSync(path.join(require("os").tmpdir(), "deployed-")), "outputs.json");
    const identity = { deploymentType: "PERSISTENT_2", storageType: "SSD", availabilityZone: "us-east-1b", kmsKeyAlias: "alias/llm-platform-prod-data", fileSystemTypeVersion: "2.15", storageCapacityGiB: 4800 };
    fs.writeFileSync(deployed, JSON.stringify({ fileSystemIdentity: identity, clusterName: "llm-prod" }));
    const out: string[] = [];
    expect(await planCli().runCli(["--stack", "prod", "--deployed-outputs", deployed], (l) => out.push(l), () => undefined)).toBe(planCli().EXIT_POLICY);
    expect(out.join("\n")).toContain("mandatory file-system-not-replaced: this change replaces the FSx file system and destroys the shards on it: availabilityZone us-east-1b → us-east-1a");
    fs.writeFileSync(deployed, JSON.stringify({ fileSystemIdentity: { ...identity, availabilityZone: spec.target === "aws" ? spec.storage!.fsx.availabilityZone : "" } }));
    expect(await planCli().runCli(["--stack", "prod", "--deployed-outputs", deployed], () => undefined, () => undefined)).toBe(planCli().EXIT_CLEAN);
  });
});

describe("policy shared-storage-protected (mandatory)", () => {
  it("passes protected storage and fails an unprotected file system", async () => {
    const fsx = (protect: boolean) => recorded("aws:fsx/lustreFileSystem:LustreFileSystem", "shards", {}, { protect });
    expect((await runPolicies([sharedStorageProtected], [fsx(true)])).violations).toEqual([]);
    expect((await runPolicies([sharedStorageProtected], [fsx(false)])).violations.map((v) => v.message)).toEqual(["LustreFileSystem shards holds training data but is not protected"]);
  });
});

describeWithUpstream("FSx CSI driver chart contract (../shared/upstream/charts/aws-fsx-csi-driver/v1.9.0)", () => {
  it("sets only keys the pinned chart defines, at its pinned version and image", () => {
    const chart = readUpstreamYaml("charts/aws-fsx-csi-driver/v1.9.0/Chart.yaml");
    expect(chart.version).toBe(CHARTS.fsxCsiDriver.version);
    const defaults = readUpstreamYaml("charts/aws-fsx-csi-driver/v1.9.0/values.yaml");
    expect(unknownValueKeys(fsxCsiDriverValues(), defaults)).toEqual([]);
    expect(fsxCsiDriverValues().image).toEqual({ repository: defaults.image.repository, tag: defaults.image.tag });
  });
});
