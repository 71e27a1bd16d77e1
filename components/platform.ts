import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../infra/config/keys";
import type { AwsPlatformSpec, ExistingPlatformSpec, GatewaySpec, InferenceEndpointSpec, PlatformSpec } from "../infra/config/types";
import { platformManifest, PLATFORM_TYPE } from "../infra/manifest";
import { EksCluster } from "./cluster/eksCluster";
import { ExistingCluster } from "./cluster/existingCluster";
import { EfaDevicePlugin } from "./fabric/efaDevicePlugin";
import { GpuOperator } from "./gpu/gpuOperator";
import { PlatformImages } from "./k8s/platformImages";
import { pinnedImageRef, platformImages } from "../infra/images";
import { isGpuPool, poolNodeSelector } from "../infra/nodes/labels";
import { ClusterAutoscaler } from "./cluster/clusterAutoscaler";
import { NetworkOperator } from "./fabric/networkOperator";
import { SystemNamespace } from "./k8s/systemNamespace";
import { TeamNamespaces } from "./k8s/teamNamespaces";
import { ExistingSharedStorage } from "./storage/existingSharedStorage";
import { SharedStorage } from "./storage/sharedStorage";
import { BlockStorage } from "./storage/blockStorage";
import { TokeniseJob } from "./data/tokeniseJob";
import { Pipelines } from "./pipelines/pipelines";
import { Kueue } from "./queues/kueue";
import { KubeflowTrainer } from "./training/kubeflowTrainer";
import { TrainingJobs } from "./training/trainingJobs";
import { TrainingRuntimes } from "./training/trainingRuntimes";
import { trainingGpuPools } from "../infra/queues/pools";
import { tokeniseJobConfig } from "../infra/data/tokenise";
import { FileSystemIdentity, fileSystemIdentity } from "../infra/storage/fileSystem";
import { Vpc } from "./network/vpc";
import { NamespaceNetwork } from "./k8s/platformNamespace";
import { controlPlaneCidrs } from "../infra/security/networkPolicies";
import { logsKeyPolicy } from "../infra/security/kmsPolicies";
import { membersByPrincipal } from "../infra/security/teamAccess";
import { monitoringNamespace } from "../infra/monitoring/prometheus";
import { NodePool } from "./nodes/nodePool";
import { MANAGED_BY, MANAGED_BY_LABEL, STACK_TAG } from "../infra/metadata";
import { planEndpoint } from "../infra/inference/endpoints";
import { InferenceEndpoint } from "./inference/inferenceEndpoint";
import { ComplianceGateway } from "./inference/complianceGateway";
import type { GatewayLibrary } from "../infra/gateway/libraries";
import { gatewayImageRef } from "../infra/gateway/image";
import { Keda } from "./inference/keda";
import { GpuNodeHealth } from "./monitoring/gpuNodeHealth";
import { GpuReclaimer } from "./monitoring/gpuReclaimer";
import { Monitoring } from "./monitoring/monitoring";
import { reclaimingTeams } from "../infra/monitoring/reclaim";
import { IMAGES } from "../infra/versions";
import { nodeGroupName } from "../infra/naming";


export interface PlatformArgs {
  /** The validated stack spec. */
  spec: PlatformSpec;
  /** For target `existing`: the kubeconfig, read from config as a secret. */
  kubeconfig?: pulumi.Input<string>;
  /** The approved-reply library of each endpoint with a gateway, by endpoint name (infra/gateway/libraries.ts). */
  gatewayLibraries?: Record<string, GatewayLibrary>;
}

/**
 * The whole platform for one stack. Its registered inputs are the platform manifest, which the
 * policy pack reads (budget, GPU stack, pools).
 */
export class Platform extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;
  public readonly clusterName?: pulumi.Output<string>;
  public readonly vpcId?: pulumi.Output<string>;
  /** Exported: the next plan compares its file system against this one. */
  public readonly fileSystemIdentity?: FileSystemIdentity;
  public readonly bucketName?: pulumi.Output<string>;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PLATFORM_TYPE, name, platformManifest(args.spec), opts);
    const { spec } = args;
    let awsBase: ReturnType<Platform["createAwsBase"]> | undefined;
    if (spec.target === "aws") {
      awsBase = this.createAwsBase(name, spec);
      this.provider = awsBase.provider;
      this.clusterName = awsBase.cluster.clusterName;
      this.vpcId = awsBase.vpc.vpcId;
    } else {
      this.provider = this.connectExisting(name, spec, args.kubeconfig).provider;
    }
    const teams = new TeamNamespaces(`${name}-teams`, { spec, provider: this.provider }, { parent: this });
    const network = namespaceNetwork(spec);
    const system = new SystemNamespace(`${name}-system`, { network, provider: this.provider }, { parent: this });
    const jobImage = pinnedImageRef(IMAGES.platformJobs, spec.images);
    // Claims are usable once their volume's directories exist (AWS: the team-directories Job).
    const storageReady: pulumi.Resource[] = [];
    if (spec.target === "aws" && spec.storage && awsBase) {
      const identity = fileSystemIdentity(spec)!;
      // The identity the last `pulumi up` deployed (a stack reads its own outputs), so the
      // file-system-not-replaced policy can compare before anything is destroyed.
      const self = new pulumi.StackReference(`${name}-deployed`, { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` }, { parent: this });
      const storage = new SharedStorage(`${name}-storage`, {
        accountId: awsBase.accountId,
        storage: spec.storage,
        identity,
        previousIdentity: self.getOutput("fileSystemIdentity") as pulumi.Output<FileSystemIdentity | undefined>,
        vpcId: awsBase.vpc.vpcId,
        subnetId: awsBase.vpc.privateSubnetIds[spec.network.availabilityZones.indexOf(spec.storage.fsx.availabilityZone)],
        nodeSecurityGroupId: awsBase.cluster.clusterSecurityGroupId,
        teamNamespaces: teams.namespaces,
        systemNamespace: system.name,
        jobImage,
        provider: this.provider,
        tags: awsBase.tags,
      }, { parent: this });
      storageReady.push(storage.teamDirectories);
      this.fileSystemIdentity = identity;
      this.bucketName = storage.bucket.bucket;
    } else if (spec.target === "existing" && spec.storage) {
      new ExistingSharedStorage(`${name}-storage`, { storage: spec.storage, teamNamespaces: teams.namespaces, provider: this.provider }, { parent: this });
    }
    const images = platformImages(spec.gpuStack, spec.images);
    const tokeniseJobs: Record<string, pulumi.Resource> = {};
    for (const dataset of spec.datasets) {
      tokeniseJobs[dataset.name] = new TokeniseJob(`${name}-tokenise-${dataset.name}`, {
        spec,
        dataset,
        config: tokeniseJobConfig(spec, dataset),
        image: images.dataPrep.ref,
        namespace: teams.namespaces[dataset.team],
        dependsOn: storageReady,
        provider: this.provider,
      }, { parent: this }).job;
    }
    const kueue = this.createTraining(name, spec, teams, images.training.ref, tokeniseJobs);
    new PlatformImages(`${name}-images`, { images, namespace: system.name, provider: this.provider }, { parent: this });
    const hasGpus = spec.nodePools.some(isGpuPool);
    if (hasGpus) new GpuOperator(`${name}-gpu-operator`, { spec, network, provider: this.provider }, { parent: this });
    const monitoring = this.createMonitoring(name, spec, { kueue, awsBase, system, teams });
    if (spec.nodePools.some((p) => p.fabric === "efa")) {
      new EfaDevicePlugin(`${name}-efa-device-plugin`, { provider: this.provider }, { parent: this });
    }
    if (spec.target === "existing") {
      const infinibandPools = spec.nodePools.filter((p) => p.fabric === "infiniband");
      if (infinibandPools.length > 0) new NetworkOperator(`${name}-network-operator`, { infinibandPools, network, provider: this.provider }, { parent: this });
    }
    this.createInference(name, spec, teams, awsBase, monitoring, args.gatewayLibraries ?? {});
    this.registerOutputs({ clusterName: this.clusterName, vpcId: this.vpcId });
  }

  /**
   * Prometheus and Grafana (or the cluster's own Prometheus), GPU monitors, alert rules and
   * dashboards; the idle-GPU reclaimer where Kueue runs; GPU node health.
   */
  private createMonitoring(name: string, spec: PlatformSpec, deps: { kueue?: Kueue; awsBase?: ReturnType<Platform["createAwsBase"]>; system: SystemNamespace; teams: TeamNamespaces }) {
    const { kueue, awsBase, system, teams } = deps;
    // On AWS the release waits for the node pools: Prometheus and Grafana need a node to schedule on.
    // The Prometheus volume binds through the default StorageClass (AWS: BlockStorage).
    const monitoring = new Monitoring(`${name}-monitoring`, { spec, withKueue: kueue !== undefined, network: namespaceNetwork(spec), dependsOn: [...(awsBase?.nodePools ?? []), ...(awsBase ? [awsBase.blockStorage] : [])], provider: this.provider }, { parent: this });
    const image = pinnedImageRef(IMAGES.platformJobs, spec.images);
    if (kueue && reclaimingTeams(spec).length > 0) {
      new GpuReclaimer(`${name}-reclaimer`, { spec, namespace: system.name, teamNamespaces: teams.namespaces, image, kueue: kueue.release, provider: this.provider }, { parent: this });
    }
    if (spec.nodePools.some(isGpuPool)) {
      new GpuNodeHealth(`${name}-gpu-node-health`, awsBase
        ? { spec, clusterName: awsBase.cluster.clusterName, tags: awsBase.tags, provider: this.provider }
        : { spec, namespace: system.name, image, provider: this.provider }, { parent: this });
    }
    return monitoring;
  }

  /** Kubeflow Trainer, a runtime per training pool, Kueue queues, declared jobs, Kubeflow Pipelines. */
  private createTraining(name: string, spec: PlatformSpec, teams: TeamNamespaces, trainingImage: string, tokeniseJobs: Record<string, pulumi.Resource>): Kueue | undefined {
    const pools = trainingGpuPools(spec);
    if (pools.length === 0) return undefined;
    const network = namespaceNetwork(spec);
    const trainer = new KubeflowTrainer(`${name}-trainer`, { network, provider: this.provider }, { parent: this });
    const runtimes = new TrainingRuntimes(`${name}-runtimes`, { pools, image: trainingImage, teamNamespaces: teams.namespaces, provider: this.provider, trainer: trainer.release }, { parent: this });
    let kueue: Kueue | undefined;
    if (spec.teams.length > 0) {
      kueue = new Kueue(`${name}-kueue`, { spec, teamNamespaces: teams.namespaces, network, provider: this.provider }, { parent: this });
      if (spec.trainingRuns.length > 0) {
        new TrainingJobs(`${name}-jobs`, {
          spec,
          image: trainingImage,
          teamNamespaces: teams.namespaces,
          dependsOn: [...Object.values(runtimes.runtimes), ...Object.values(kueue.localQueues)],
          tokeniseJobs,
          provider: this.provider,
        }, { parent: this });
      }
    }
    if (spec.pipelines.enabled) new Pipelines(`${name}-pipelines`, { manifestsDir: spec.pipelines.manifestsDir, network, provider: this.provider }, { parent: this });
    return kueue;
  }

  /** KEDA once, then a vLLM endpoint per declared inference endpoint in its team's namespace. */
  private createInference(name: string, spec: PlatformSpec, teams: TeamNamespaces, awsBase: ReturnType<Platform["createAwsBase"]> | undefined, monitoring: Monitoring, libraries: Record<string, GatewayLibrary>) {
    if (spec.inferenceEndpoints.length === 0) return;
    const systemPool = spec.target === "aws" ? spec.nodePools.find((p) => p.purpose === "system") : undefined;
    const keda = new Keda(`${name}-keda`, { systemNodeSelector: systemPool ? poolNodeSelector(systemPool) : {}, network: namespaceNetwork(spec), provider: this.provider }, { parent: this });
    for (const endpoint of spec.inferenceEndpoints) {
      const served = new InferenceEndpoint(`${name}-${endpoint.name}`, {
        spec,
        plan: planEndpoint(spec, endpoint),
        namespace: teams.namespaces[endpoint.team],
        keda: keda.release,
        // The ServiceMonitor is a custom resource of the CRDs kube-prometheus-stack installs.
        monitoring: monitoring.release ? [monitoring.release] : [],
        ...(awsBase ? { s3Access: { clusterName: awsBase.cluster.clusterName, podIdentityAgent: awsBase.cluster.podIdentityAgent, tags: awsBase.tags } } : {}),
        provider: this.provider,
      }, { parent: this });
      if (endpoint.gateway) this.createGateway(name, spec, { ...endpoint, gateway: endpoint.gateway }, served, teams, monitoring, libraries);
    }
  }

  /** The compliance gateway in front of an endpoint: its library was read and validated before the program ran. */
  private createGateway(name: string, spec: PlatformSpec, endpoint: InferenceEndpointSpec & { gateway: GatewaySpec }, served: InferenceEndpoint, teams: TeamNamespaces, monitoring: Monitoring, libraries: Record<string, GatewayLibrary>) {
    const library = libraries[endpoint.name];
    const image = gatewayImageRef(spec.images);
    // Config rules and readGatewayLibraries refuse a stack without either; reaching here without one is a bug.
    if (!library || !image) throw new Error(`Platform ${name}: endpoint ${endpoint.name} has a gateway but no ${library ? "image digest" : "library"} was resolved`);
    new ComplianceGateway(`${name}-${endpoint.name}-gateway`, {
      spec,
      gateway: { endpoint, plan: planEndpoint(spec, endpoint) },
      library,
      image,
      embedderImage: pinnedImageRef(IMAGES.textEmbeddingsInference, spec.images),
      namespace: teams.namespaces[endpoint.team],
      endpointService: served.service,
      monitoring: monitoring.release ? [monitoring.release] : [],
      provider: this.provider,
    }, { parent: this });
  }

  private createAwsBase(name: string, spec: AwsPlatformSpec) {
    const tags = { [STACK_TAG]: spec.stack, [MANAGED_BY_LABEL]: MANAGED_BY, project: PROJECT };
    // The deploying identity as a role ARN (an assumed-role session resolves to its role).
    const caller = aws.getCallerIdentityOutput({}, { parent: this });
    const deployer = aws.iam.getSessionContextOutput({ arn: caller.arn }, { parent: this });
    // One customer-managed key for the platform's CloudWatch logs (control plane, VPC flow logs).
    const logsKey = new aws.kms.Key(`${name}-logs`, {
      description: `CloudWatch logs of the ${spec.cluster.name} platform`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: caller.accountId.apply((account) => JSON.stringify(logsKeyPolicy(account, spec.region))),
      tags,
    }, { parent: this, retainOnDelete: true });
    const vpc = new Vpc(`${name}-vpc`, {
      cidrBlock: spec.network.vpcCidr,
      availabilityZones: spec.network.availabilityZones,
      natGateways: spec.network.natGateways,
      clusterName: spec.cluster.name,
      flowLogs: { accountId: caller.accountId, region: spec.region, logsKeyArn: logsKey.arn },
      tags,
    }, { parent: this });
    const cluster = new EksCluster(`${name}-eks`, {
      clusterName: spec.cluster.name,
      kubernetesVersion: spec.cluster.kubernetesVersion,
      region: spec.region,
      subnetIds: vpc.privateSubnetIds,
      publicAccessCidrs: spec.cluster.publicAccessCidrs,
      deployerRoleArn: deployer.issuerArn,
      adminRoleArns: spec.cluster.adminRoleArns,
      teamMembers: membersByPrincipal(spec.teams),
      logsKeyArn: logsKey.arn,
      tags,
    }, { parent: this });
    const subnetOf = (zone: string) => vpc.privateSubnetIds[spec.network.availabilityZones.indexOf(zone)];
    const nodePools = spec.nodePools.map((pool) =>
      new NodePool(`${name}-${pool.name}`, {
        pool,
        clusterName: spec.cluster.name,
        nodeGroupName: nodeGroupName(spec.stack, pool.name),
        clusterNameOutput: cluster.clusterName,
        nodeRoleArn: cluster.nodeRole.arn,
        clusterSecurityGroupId: cluster.clusterSecurityGroupId,
        vpcId: vpc.vpcId,
        subnetIds: pool.availabilityZones.map(subnetOf),
        releaseVersion: spec.cluster.nodeImageRelease,
        tags,
      // Nodes become Ready once the VPC CNI runs with its Pod Identity credentials.
      }, { parent: this, dependsOn: [cluster.vpcCni] }));
    const systemPool = nodePools[spec.nodePools.findIndex((p) => p.purpose === "system")];
    // Every Kubernetes object waits for the system pool: Helm releases wait for their pods, and with
    // no node to run them (the cluster is up minutes before its first node group) they time out.
    // GPU-only DaemonSets (device plugins, the GPU operator's node agents) have nothing to schedule
    // on an empty GPU pool and count as ready; the operators themselves run on the system pool.
    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: cluster.kubeconfig }, { parent: this, dependsOn: [...cluster.adminAccess, systemPool.nodeGroup] });
    new ClusterAutoscaler(`${name}-autoscaler`, {
      clusterName: spec.cluster.name,
      clusterNameOutput: cluster.clusterName,
      kubernetesVersion: spec.cluster.kubernetesVersion,
      region: spec.region,
      systemNodeSelector: poolNodeSelector(spec.nodePools.find((p) => p.purpose === "system")!),
      provider,
      podIdentityAgent: cluster.podIdentityAgent,
      tags,
    }, { parent: this, dependsOn: nodePools });
    const blockStorage = new BlockStorage(`${name}-block-storage`, { clusterName: cluster.clusterName, podIdentityAgent: cluster.podIdentityAgent, provider, tags }, { parent: this });
    return { vpc, cluster, provider, blockStorage, tags, accountId: caller.accountId, nodePools };
  }

  private connectExisting(name: string, spec: ExistingPlatformSpec, kubeconfig: pulumi.Input<string> | undefined) {
    if (kubeconfig === undefined) {
      throw new Error(`Platform ${name}: target existing needs the kubeconfig from ${spec.kubeconfigKey}`);
    }
    return new ExistingCluster(`${name}-cluster`, { kubeconfig }, { parent: this });
  }
}

/** How the platform's namespaces are reached: the control plane's webhook calls and Prometheus. */
function namespaceNetwork(spec: PlatformSpec): NamespaceNetwork {
  return { controlPlaneCidrs: controlPlaneCidrs(spec.target === "aws" ? { target: spec.target, network: spec.network } : { target: spec.target }), monitoringNamespace: monitoringNamespace(spec) };
}
