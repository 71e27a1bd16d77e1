import { findInstanceType } from "../infra/catalog/instances";
import { parseSpec } from "../infra/config/spec";
import type { AwsPlatformSpec, ExistingPlatformSpec } from "../infra/config/types";
import { efaInterfaces, efaNodeUserData } from "../infra/fabric/efa";
import { efaDevicePluginValues } from "../infra/fabric/efaPluginValues";
import { IMAGES } from "../infra/versions";
import { networkOperatorValues, nicClusterPolicySpec } from "../infra/fabric/networkOperatorValues";
import { fabricContradictions, fabricProfile } from "../infra/fabric/profile";
import { scaleFromZeroTags } from "../infra/nodes/autoscaler";
import { referenceConfig, withValues } from "./helpers/stacks";

const prod = parseSpec(referenceConfig("prod")) as AwsPlatformSpec;
const onprem = parseSpec(referenceConfig("onprem")) as ExistingPlatformSpec;
const pool = (spec: AwsPlatformSpec | ExistingPlatformSpec, name: string) => spec.nodePools.find((p) => p.name === name)!;

describe("EFA interfaces", () => {
  // The per-type EFA counts are the catalog's (AWS EC2 user guide, tested in catalog.test.ts); here
  // only the layout: card 0 carries the primary efa interface, every other card an efa-only one.
  const withCards = (efaInterfaces: number) => ({ ...findInstanceType("p4d.24xlarge")!, efaInterfaces });

  it("puts an efa interface on card 0 and efa-only interfaces on cards 1 to 3 of a four-card type", () => {
    expect(efaInterfaces(withCards(4))).toEqual([
      { networkCardIndex: 0, deviceIndex: 0, interfaceType: "efa" },
      { networkCardIndex: 1, deviceIndex: 0, interfaceType: "efa-only" },
      { networkCardIndex: 2, deviceIndex: 0, interfaceType: "efa-only" },
      { networkCardIndex: 3, deviceIndex: 0, interfaceType: "efa-only" },
    ]);
  });

  it("gives a one-card type a single efa interface and a type without EFA none", () => {
    expect(efaInterfaces(withCards(1))).toEqual([{ networkCardIndex: 0, deviceIndex: 0, interfaceType: "efa" }]);
    expect(efaInterfaces(withCards(0))).toEqual([]);
  });

  it("attaches one interface per card on p5.48xlarge, the last on card 31", () => {
    const interfaces = efaInterfaces(findInstanceType("p5.48xlarge")!);
    expect(interfaces[31]).toEqual({ networkCardIndex: 31, deviceIndex: 0, interfaceType: "efa-only" });
    expect(interfaces[32]).toBeUndefined();
  });

  it("reserves the huge pages libfabric uses in node user data", () => {
    // AWS's EKS EFA guide requests hugepages-2Mi: 5120Mi per pod: 5120 MiB / 2 MiB = 2560 pages.
    expect(efaNodeUserData()).toBe([
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="llm-platform"',
      "",
      "--llm-platform",
      'Content-Type: text/x-shellscript; charset="us-ascii"',
      "",
      "#!/bin/bash",
      "# 2 MiB huge pages for libfabric's EFA provider, reserved before the kubelet starts so it advertises them.",
      'echo "vm.nr_hugepages = 2560" > /etc/sysctl.d/90-llm-platform-efa-hugepages.conf',
      "sysctl --system",
      "",
      "--llm-platform--",
      "",
    ].join("\n"));
  });
});

describe("fabric profile", () => {
  it("gives an H100 EFA pool its EFA devices, huge pages, GPUDirect RDMA and the efa provider", () => {
    const profile = fabricProfile(pool(prod, "train-h100"));
    expect(profile).toMatchObject({ fabric: "efa", gbpsPerNode: 3200, gbpsPerGpu: 400 });
    expect(profile.podResources).toEqual({ "nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32", "hugepages-2Mi": "5120Mi" });
    expect(profile.env).toEqual({ NCCL_DEBUG: "WARN", NCCL_SOCKET_IFNAME: "eth0", FI_PROVIDER: "efa", FI_EFA_USE_DEVICE_RDMA: "1", FI_EFA_FORK_SAFE: "1" });
  });

  it("leaves device RDMA off on EFA generations without it (g6e)", () => {
    const spec = parseSpec(withValues(referenceConfig("prod"), {
      "llm-platform:nodePools": [
        { name: "system", instanceType: "m6i.large", purpose: "system", minNodes: 2, maxNodes: 2 },
        { name: "train-l40s", instanceType: "g6e.48xlarge", purpose: "training", minNodes: 0, maxNodes: 2 },
      ],
      "llm-platform:datasets": undefined,
      "llm-platform:trainingJobs": undefined,
      "llm-platform:teams": undefined,
      "llm-platform:inferenceEndpoints": undefined,
    })) as AwsPlatformSpec;
    const profile = fabricProfile(pool(spec, "train-l40s"));
    expect(profile.env.FI_PROVIDER).toBe("efa");
    expect(profile.env).not.toHaveProperty("FI_EFA_USE_DEVICE_RDMA");
    expect(profile.podResources["vpc.amazonaws.com/efa"]).toBe("4");
  });

  it("gives an InfiniBand pool the RDMA resource, IPC_LOCK and the mlx5 HCAs", () => {
    const profile = fabricProfile(pool(onprem, "train-a100"));
    expect(profile).toMatchObject({ fabric: "infiniband", gbpsPerNode: 800, gbpsPerGpu: 100, capabilities: ["IPC_LOCK"] });
    expect(profile.podResources).toEqual({ "nvidia.com/gpu": "8", "rdma/rdma_shared_device_a": "1" });
    expect(profile.env).toEqual({ NCCL_DEBUG: "WARN", NCCL_SOCKET_IFNAME: "eth0", NCCL_IB_DISABLE: "0", NCCL_IB_HCA: "mlx5" });
  });

  it("disables InfiniBand probing on TCP pools and binds NCCL to the pod interface", () => {
    const profile = fabricProfile(pool(onprem, "infer-v100"));
    expect(profile.podResources).toEqual({ "nvidia.com/gpu": "4" });
    expect(profile.env).toEqual({ NCCL_DEBUG: "WARN", NCCL_SOCKET_IFNAME: "eth0", NCCL_IB_DISABLE: "1" });
  });

  it("needs no capabilities on EFA or TCP, only IPC_LOCK on InfiniBand", () => {
    expect(fabricProfile(pool(prod, "train-h100")).capabilities).toEqual([]);
    expect(fabricProfile(pool(onprem, "infer-v100")).capabilities).toEqual([]);
    expect(fabricProfile(pool(onprem, "train-a100")).capabilities).toEqual(["IPC_LOCK"]);
  });

  it("asks no GPU and states no per-GPU bandwidth for an on-prem pool without GPUs", () => {
    const cpu = { ...pool(onprem, "infer-v100"), gpusPerNode: 0 } as typeof onprem.nodePools[number];
    const profile = fabricProfile(cpu);
    expect(profile).toEqual({ pool: "infer-v100", fabric: "tcp", gbpsPerNode: cpu.networkGbpsPerNode, podResources: {}, capabilities: [], env: { NCCL_DEBUG: "WARN", NCCL_SOCKET_IFNAME: "eth0", NCCL_IB_DISABLE: "1" } });
    expect(profile).not.toHaveProperty("gbpsPerGpu");
  });

  it("reads NCCL_NET=Socket only as the whole value", () => {
    const efa = { pool: "h100", fabric: "efa" as const };
    expect(fabricContradictions(efa, { NCCL_NET: "SocketPlugin" })).toEqual([]);
    expect(fabricContradictions(efa, { NCCL_NET: "MySocket" })).toEqual([]);
  });

  it("flags the field notes' hand-written settings that contradict a pool's fabric", () => {
    const ib = fabricProfile(pool(onprem, "train-a100"));
    expect(fabricContradictions(ib, { NCCL_IB_DISABLE: "1", NCCL_SOCKET_IFNAME: "ens5", NCCL_P2P_DISABLE: "1", NCCL_DEBUG: "INFO" })).toEqual([
      "NCCL_IB_DISABLE=1 on pool train-a100, whose fabric is infiniband: NCCL would fall back to TCP sockets",
      "NCCL_SOCKET_IFNAME=ens5 on pool train-a100: pods have only eth0 (and lo)",
      "NCCL_P2P_DISABLE=1 on pool train-a100: disables NVLink / PCIe peer-to-peer between the node's GPUs",
    ]);
    const efa = fabricProfile(pool(prod, "train-h100"));
    expect(fabricContradictions(efa, { FI_PROVIDER: "sockets" })).toEqual([
      "FI_PROVIDER=sockets on pool train-h100, whose fabric is efa: libfabric would not use the EFA devices",
    ]);
    expect(fabricContradictions(efa, efa.env)).toEqual([]);
  });

  it("refuses NCCL_NET=Socket in any case on RDMA fabrics, and accepts on TCP what TCP pools need", () => {
    const efa = { pool: "h100", fabric: "efa" as const };
    expect(fabricContradictions(efa, { NCCL_NET: "socket" })).toEqual(["NCCL_NET=socket on pool h100, whose fabric is efa: forces TCP sockets over the RDMA fabric"]);
    expect(fabricContradictions({ pool: "a100", fabric: "infiniband" }, { NCCL_NET: "Socket" })).toEqual(["NCCL_NET=Socket on pool a100, whose fabric is infiniband: forces TCP sockets over the RDMA fabric"]);
    expect(fabricContradictions(efa, { NCCL_NET: "AWS Libfabric", FI_PROVIDER: "efa", NCCL_SOCKET_IFNAME: "eth0", NCCL_IB_DISABLE: "0", NCCL_P2P_DISABLE: "0" })).toEqual([]);
    expect(fabricContradictions({ pool: "v100", fabric: "tcp" }, { NCCL_NET: "Socket", NCCL_IB_DISABLE: "1", FI_PROVIDER: "tcp" })).toEqual([]);
    // FI_PROVIDER matters only where libfabric drives EFA
    expect(fabricContradictions({ pool: "a100", fabric: "infiniband" }, { FI_PROVIDER: "verbs" })).toEqual([]);
  });
});

describe("scale from zero", () => {
  it("tags a GPU pool's template with its labels (the autoscaler's accelerator label among them), taint, GPU, EFA and huge-page counts", () => {
    expect(scaleFromZeroTags(prod.nodePools.find((p) => p.name === "train-h100")!)).toEqual({
      "k8s.io/cluster-autoscaler/node-template/label/llm-platform/pool": "train-h100",
      "k8s.io/cluster-autoscaler/node-template/label/llm-platform/purpose": "training",
      "k8s.io/cluster-autoscaler/node-template/label/llm-platform/fabric": "efa",
      "k8s.io/cluster-autoscaler/node-template/label/llm-platform/gpu": "H100",
      // The autoscaler's AWS GPU label (cluster-autoscaler/cloudprovider/aws/README.md, "GPU Node Groups").
      "k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator": "nvidia-h100",
      "k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu": "present:NoSchedule",
      "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": "8",
      "k8s.io/cluster-autoscaler/node-template/resources/vpc.amazonaws.com/efa": "32",
      "k8s.io/cluster-autoscaler/node-template/resources/hugepages-2Mi": "5120Mi",
    });
  });
});

describe("fabric device plugins' values", () => {
  it("puts the EFA device plugin on EFA pools of EFA-capable types only, tolerating the GPU taint", () => {
    expect(efaDevicePluginValues()).toEqual({
      image: IMAGES.efaDevicePlugin, // the pin, checked against the chart's values.yaml in nodePools.test.ts
      // EC2 user guide, EFA "Supported instance types", intersected with the catalog
      supportedInstanceLabels: {
        keys: ["node.kubernetes.io/instance-type"],
        values: [
          "p3dn.24xlarge", "p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge", "p5e.48xlarge", "p5en.48xlarge", "p6-b200.48xlarge",
          "g5.8xlarge", "g5.12xlarge", "g5.16xlarge", "g5.24xlarge", "g5.48xlarge",
          "g6e.8xlarge", "g6e.12xlarge", "g6e.16xlarge", "g6e.24xlarge", "g6e.48xlarge",
        ],
      },
      nodeSelector: { "llm-platform/fabric": "efa" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    });
  });

  it("runs the Network Operator with NFD and the GPU toleration", () => {
    expect(networkOperatorValues()).toEqual({
      nfd: { enabled: true, deployNodeFeatureRules: true },
      operator: { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] },
    });
  });

  it("runs the RDMA shared device plugin on the InfiniBand pools' nodes, for ConnectX InfiniBand ports only", () => {
    const ib = onprem.nodePools.filter((p) => p.fabric === "infiniband");
    const spec = nicClusterPolicySpec(ib as never);
    expect(JSON.parse(spec.rdmaSharedDevicePlugin.config)).toEqual({
      configList: [{ resourceName: "rdma_shared_device_a", resourcePrefix: "rdma", rdmaHcaMax: 63, selectors: { vendors: ["15b3"], linkTypes: ["infiniband"] } }],
    });
    expect(spec.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual(
      ib.map((p) => ({ matchExpressions: [{ key: "llm-platform/pool", operator: "In", values: [p.name] }] })),
    );
    expect(ib.map((p) => p.name)).toEqual(["train-a100", "train-a800"]);
    expect(spec.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
  });
});
