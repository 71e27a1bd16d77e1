import { findInstanceType } from "../infra/catalog/instances";
import { parseSpec } from "../infra/config/spec";
import type { AwsPlatformSpec, ExistingPlatformSpec } from "../infra/config/types";
import { EFA_HUGEPAGES_2MI_PAGES, efaInterfaces, efaNodeUserData } from "../infra/fabric/efa";
import { fabricContradictions, fabricProfile } from "../infra/fabric/profile";
import { scaleFromZeroTags } from "../infra/nodes/autoscaler";
import { referenceConfig, withValues } from "./helpers/stacks";

const prod = parseSpec(referenceConfig("prod")) as AwsPlatformSpec;
const onprem = parseSpec(referenceConfig("onprem")) as ExistingPlatformSpec;
const pool = (spec: AwsPlatformSpec | ExistingPlatformSpec, name: string) => spec.nodePools.find((p) => p.name === name)!;

describe("EFA interfaces", () => {
  it.each([
    ["p5.48xlarge", 32],
    ["p5e.48xlarge", 32],
    ["p5en.48xlarge", 16],
    ["p6-b200.48xlarge", 8],
    ["p4d.24xlarge", 4],
    ["g6e.48xlarge", 4],
    ["p3dn.24xlarge", 1],
    ["g5.xlarge", 0],
  ])("attaches one interface per EFA card on %s (%i)", (type, count) => {
    const interfaces = efaInterfaces(findInstanceType(type)!);
    expect(interfaces).toHaveLength(count);
    interfaces.forEach((i, card) => {
      expect(i).toEqual({ networkCardIndex: card, deviceIndex: 0, interfaceType: card === 0 ? "efa" : "efa-only" });
    });
  });

  it("reserves the huge pages libfabric uses in node user data", () => {
    expect(efaNodeUserData()).toContain(`vm.nr_hugepages = ${EFA_HUGEPAGES_2MI_PAGES}`);
    expect(efaNodeUserData()).toMatch(/^MIME-Version: 1\.0\nContent-Type: multipart\/mixed; boundary="llm-platform"/);
    expect(EFA_HUGEPAGES_2MI_PAGES * 2).toBe(5120); // MiB, what each worker requests
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
