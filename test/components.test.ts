import { Namespace } from "kubernetes-models/v1/Namespace";
import { named, ofType, referencePlan } from "./helpers/plan";
import { PLAN_DEPLOYER_ROLE } from "../infra/plan/mocks";

describe("Vpc component", () => {
  it("puts nodes in private subnets in every AZ and never maps public IPs", async () => {
    const prod = await referencePlan("prod");
    const subnets = ofType(prod, "aws:ec2/subnet:Subnet");
    const privateSubnets = subnets.filter((s) => s.name.includes("-private-"));
    expect(privateSubnets.map((s) => [s.inputs.availabilityZone, s.inputs.cidrBlock])).toEqual([
      ["us-east-1a", "10.30.0.0/19"],
      ["us-east-1b", "10.30.32.0/19"],
      ["us-east-1c", "10.30.64.0/19"],
    ]);
    for (const s of subnets) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
    for (const s of privateSubnets) expect((s.inputs.tags as Record<string, string>)["kubernetes.io/role/internal-elb"]).toBe("1");
  });

  it("routes only public subnets to the internet gateway and private ones through NAT", async () => {
    const prod = await referencePlan("prod");
    const routeTables = ofType(prod, "aws:ec2/routeTable:RouteTable");
    const publicRoutes = routeTables.filter((t) => t.name.endsWith("-public"));
    expect(publicRoutes).toHaveLength(1);
    expect((publicRoutes[0].inputs.routes as any[])[0]).toEqual({ cidrBlock: "0.0.0.0/0", gatewayId: "plan-prod-vpc-igw-id" });
    const privateRoutes = routeTables.filter((t) => t.name.includes("-private-"));
    expect(privateRoutes.map((t) => (t.inputs.routes as any[])[0].natGatewayId)).toEqual([
      "plan-prod-vpc-nat-us-east-1a-id",
      "plan-prod-vpc-nat-us-east-1b-id",
      "plan-prod-vpc-nat-us-east-1c-id",
    ]);
  });

  it("creates one NAT gateway per AZ for perAz (prod) and one in all for single (dev)", async () => {
    expect(ofType(await referencePlan("prod"), "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
    const dev = await referencePlan("dev");
    expect(ofType(dev, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
    expect(new Set(ofType(dev, "aws:ec2/routeTable:RouteTable").filter((t) => t.name.includes("-private-")).map((t) => (t.inputs.routes as any[])[0].natGatewayId))).toEqual(new Set(["plan-dev-vpc-nat-us-east-1a-id"]));
  });

  it("strips every rule from the VPC's default security group", async () => {
    const sg = named(await referencePlan("dev"), "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "dev-vpc-default");
    expect(sg.inputs.ingress).toEqual([]);
    expect(sg.inputs.egress).toEqual([]);
  });
});

describe("EksCluster component", () => {
  it("keeps the API endpoint private by default (dev, prod)", async () => {
    for (const stack of ["dev", "prod"]) {
      const cluster = named(await referencePlan(stack), "aws:eks/cluster:Cluster", `${stack}-eks`);
      expect(cluster.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
      expect(cluster.inputs.vpcConfig).not.toHaveProperty("publicAccessCidrs");
    }
  });

  it("opens a public endpoint only to the configured allow-list (staging)", async () => {
    const cluster = named(await referencePlan("staging"), "aws:eks/cluster:Cluster", "staging-eks");
    expect(cluster.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/26"] });
  });

  it("envelope-encrypts Secrets with its own rotated, protected KMS key", async () => {
    const prod = await referencePlan("prod");
    const key = named(prod, "aws:kms/key:Key", "prod-eks-secrets");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(key.options.protect).toBe(true);
    const cluster = named(prod, "aws:eks/cluster:Cluster", "prod-eks");
    expect(cluster.inputs.encryptionConfig).toEqual({ provider: { keyArn: "arn:aws:kms:us-east-1:000000000000:key/plan-prod-eks-secrets" }, resources: ["secrets"] });
    expect(cluster.options.protect).toBe(true);
  });

  it("enables every control-plane log type, API access entries without the creator-admin bootstrap, and standard support", async () => {
    const cluster = named(await referencePlan("prod"), "aws:eks/cluster:Cluster", "prod-eks");
    expect(cluster.inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    expect(cluster.inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
    expect(cluster.inputs.upgradePolicy).toEqual({ supportType: "STANDARD" });
    expect(cluster.inputs.version).toBe("1.34");
  });

  it("grants cluster-admin to the deploying role and every admin role through access entries", async () => {
    const prod = await referencePlan("prod");
    const associations = ofType(prod, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    expect(associations.map((a) => a.inputs.principalArn)).toEqual([
      PLAN_DEPLOYER_ROLE,
      "arn:aws:iam::444455556666:role/platform-admins",
      "arn:aws:iam::444455556666:role/sre-oncall",
    ]);
    for (const a of associations) {
      expect(a.inputs).toMatchObject({ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } });
    }
    // the Kubernetes provider waits for those grants, and for the system pool's nodes (Helm releases wait for pods)
    expect(named(prod, "pulumi:providers:kubernetes", "prod-k8s").options.dependsOn).toEqual([...associations.map((a) => a.urn), named(prod, "aws:eks/nodeGroup:NodeGroup", "prod-system").urn]);
  });

  it("builds the Kubernetes provider's kubeconfig from the cluster with aws eks get-token", async () => {
    const provider = named(await referencePlan("dev"), "pulumi:providers:kubernetes", "dev-k8s");
    const kubeconfig = JSON.parse(provider.inputs.kubeconfig as string);
    expect(kubeconfig.clusters[0].cluster.server).toBe("https://plan-llm-dev.eks.amazonaws.invalid");
    expect(kubeconfig.users[0].user.exec).toEqual({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "llm-dev", "--region", "us-east-1", "--output", "json"],
    });
  });

  it("owns the control-plane log group with a retention period", async () => {
    const logGroup = named(await referencePlan("dev"), "aws:cloudwatch/logGroup:LogGroup", "dev-eks-control-plane");
    expect(logGroup.inputs).toMatchObject({ name: "/aws/eks/llm-dev/cluster", retentionInDays: 90 });
  });
});

describe("NodePool component", () => {
  it("runs GPU pools on the accelerated AL2023 NVIDIA AMI, tainted and labelled", async () => {
    const group = named(await referencePlan("prod"), "aws:eks/nodeGroup:NodeGroup", "prod-train-h100");
    expect(group.inputs).toMatchObject({
      amiType: "AL2023_x86_64_NVIDIA",
      instanceTypes: ["p5.48xlarge"],
      scalingConfig: { minSize: 0, desiredSize: 2, maxSize: 8 },
      taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
      labels: { "llm-platform/pool": "train-h100", "llm-platform/purpose": "training", "llm-platform/fabric": "efa", "llm-platform/gpu": "H100" },
    });
  });

  it("runs the system pool untainted on the standard AMI in the private subnets", async () => {
    const dev = await referencePlan("dev");
    const group = named(dev, "aws:eks/nodeGroup:NodeGroup", "dev-system");
    expect(group.inputs).toMatchObject({ amiType: "AL2023_x86_64_STANDARD", taints: [], instanceTypes: ["m6i.large"] });
    expect(group.inputs.subnetIds).toEqual(ofType(dev, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-")).map((s) => `plan-${s.name}-id`));
  });
});

describe("cluster connection", () => {
  it("connects the on-prem stack through the secret kubeconfig, with no AWS resource", async () => {
    const onprem = await referencePlan("onprem");
    expect(onprem.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(named(onprem, "pulumi:providers:kubernetes", "onprem-cluster-k8s").inputs.kubeconfig).toBe("[secret]");
  });

  it("hands every Kubernetes object the cluster's provider, and renders a valid system namespace", async () => {
    for (const stack of ["dev", "onprem"]) {
      const plan = await referencePlan(stack);
      const providers = ofType(plan, "pulumi:providers:kubernetes");
      expect(providers).toHaveLength(1);
      const k8sObjects = plan.resources.filter((r) => r.type.startsWith("kubernetes:"));
      expect(k8sObjects.length).toBeGreaterThan(0);
      for (const r of k8sObjects) expect(r.options.provider).toBe(providers[0].urn);
      const ns = named(plan, "kubernetes:core/v1:Namespace", `${stack}-system`);
      expect(() => new Namespace(ns.inputs as never).validate()).not.toThrow();
      expect((ns.inputs as any).metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
    }
  });

  it("records the platform manifest (budget, GPU stack, pools) on the root component for the policies", async () => {
    const platform = named(await referencePlan("onprem"), "llm-platform:index:Platform", "onprem");
    expect(platform.inputs).toMatchObject({
      stack: "onprem",
      target: "existing",
      budgetUsdPerMonth: 500,
      gpuStack: { driverVersion: "535.230.02", cudaVersion: "12.1" },
    });
    expect((platform.inputs.nodePools as any[]).map((p) => `${p.name}:${p.gpu}×${p.gpusPerNode}:${p.fabric}`)).toEqual([
      "train-a100:A100×8:infiniband",
      "train-a800:A800×8:infiniband",
      "infer-v100:V100×4:tcp",
    ]);
  });
});

describe("component argument validation", () => {
  // Components validate their own args too (the config layer is not their only caller).
  const { recordProgram } = require("../infra/plan/record") as typeof import("../infra/plan/record");
  const { EksCluster } = require("../components/cluster/eksCluster") as typeof import("../components/cluster/eksCluster");
  const config = { stack: "unit", values: {}, secretKeys: new Set<string>() };

  it("EksCluster refuses a public endpoint open to the internet, naming the field", async () => {
    await expect(recordProgram("llm-platform", config, async () => {
      new EksCluster("bad", {
        clusterName: "bad", kubernetesVersion: "1.34", region: "us-east-1", subnetIds: ["a", "b"],
        publicAccessCidrs: ["0.0.0.0/0"], deployerRoleArn: "arn:aws:iam::1:role/d", adminRoleArns: [], teamMembers: [], logsKeyArn: "arn:aws:kms:us-east-1:1:key/k", tags: {},
      });
      return {};
    })).rejects.toThrow('EksCluster bad: publicAccessCidrs ["0.0.0.0/0"] open the API endpoint to the internet; list specific CIDRs or none (private endpoint)');
  });
});

describe("ClusterAutoscaler component", () => {
  it("runs a cluster autoscaler matching the cluster's minor, discovering this cluster's groups, on the system pool", async () => {
    const prod = await referencePlan("prod");
    const release = named(prod, "kubernetes:helm.sh/v3:Release", "prod-autoscaler");
    expect(release.inputs).toMatchObject({
      chart: "cluster-autoscaler",
      // Chart 9.52.0 is cluster-autoscaler 1.34.1 (its Chart.yaml appVersion): the cluster's minor, 1.34.
      version: "9.52.0",
      namespace: "kube-system",
      values: {
        cloudProvider: "aws",
        awsRegion: "us-east-1",
        autoDiscovery: { clusterName: "llm-prod" },
        image: { repository: "registry.k8s.io/autoscaling/cluster-autoscaler", tag: "v1.34.1" },
        rbac: { serviceAccount: { name: "cluster-autoscaler" } },
        nodeSelector: { "llm-platform/pool": "system" },
      },
    });
  });

  it("gets credentials through EKS Pod Identity, allowed to resize only this cluster's groups", async () => {
    const prod = await referencePlan("prod");
    expect(named(prod, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "prod-autoscaler").inputs).toMatchObject({ namespace: "kube-system", serviceAccount: "cluster-autoscaler" });
    expect(named(prod, "aws:eks/addon:Addon", "prod-eks-pod-identity-agent").inputs).toMatchObject({ addonName: "eks-pod-identity-agent" });
    const statements = JSON.parse(named(prod, "aws:iam/rolePolicy:RolePolicy", "prod-autoscaler").inputs.policy as string).Statement;
    expect(statements[1]).toEqual({
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/llm-prod": "owned" } },
    });
  });
});
