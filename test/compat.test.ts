import { GpuModelName } from "../infra/catalog/gpus";
import { AlignmentRule, checkAlignment, suggestStack } from "../infra/compat/alignment";
import { cudaSupportsArch, findCudaRelease } from "../infra/compat/cuda";
import { driverGpuProblem } from "../infra/compat/drivers";
import { findPytorchRelease, findWheel, wheelSupportsArch } from "../infra/compat/pytorch";
import { compareVersions } from "../infra/compat/version";

type Row = [
  what: string,
  gpu: GpuModelName,
  driver: string,
  cuda: string,
  torch: string,
  deepspeed: string,
  managedBy: "operator" | "node-image",
  mandatory: AlignmentRule[],
  advisory: AlignmentRule[],
];

// Real combinations, each with the fact that decides it.
const combinations: Row[] = [
  // field notes: a CUDA 11.4-era R470 driver on A100 servers trained with PyTorch 1.12.1 (cu113 wheel, built for sm_80); CUDA 11.3 needs ≥ 465.19.01
  ["the field notes' A100 + R470 + PyTorch 1.12.1 (CUDA 11.3)", "A100", "470.82.01", "11.3", "1.12.1", "0.8.3", "node-image", [], []],
  // CUDA 12.8 needs ≥ 570.26; 2.7 cu128 wheel has sm_90; DeepSpeed 0.17 CI ran torch 2.7.1 (PR #7321)
  ["prod: H100 on R580 with PyTorch 2.7.1 (CUDA 12.8)", "H100", "580.105.08", "12.8", "2.7.1", "0.17.1", "node-image", [], []],
  // CUDA 11.8 added sm_90; PyTorch 2.7's wheels are 11.8 / 12.6 / 12.8 (RELEASE.md)
  ["H100 with CUDA 11.3", "H100", "580.105.08", "11.3", "2.7.1", "0.17.1", "node-image", ["cuda-supports-gpu", "pytorch-has-cuda-wheel"], []],
  // pytorch#147607 removed sm_70 from the 2.7 cu128 build
  ["V100 with PyTorch 2.7.1's CUDA 12.8 wheel", "V100", "580.105.08", "12.8", "2.7.1", "0.17.1", "node-image", ["pytorch-wheel-supports-gpu"], []],
  // pytorch#157517 / #160269: 2.8 cu128 builds include sm_70 again
  ["V100 with PyTorch 2.8.0's CUDA 12.8 wheel", "V100", "580.105.08", "12.8", "2.8.0", "0.17.1", "node-image", [], []],
  // CUDA 13.0 removed Volta; cu130 wheels start at sm_75
  ["V100 with CUDA 13.0", "V100", "580.105.08", "13.0", "2.9.1", "0.18.1", "node-image", ["cuda-supports-gpu", "pytorch-wheel-supports-gpu"], []],
  // R580 is the last branch for Volta (NVIDIA driver/architecture matrix)
  ["V100 on an R590 driver", "V100", "590.44.01", "12.6", "2.7.1", "0.17.1", "node-image", ["driver-supports-gpu"], []],
  // HGX B200 needs ≥ 570.133.20; 2.7 cu128 has sm_100
  ["B200 on R570 with CUDA 12.8", "B200", "570.133.20", "12.8", "2.7.1", "0.17.1", "node-image", [], []],
  // sm_100 first in CUDA 12.8; cu126 stops at sm_90
  ["B200 with CUDA 12.6", "B200", "570.133.20", "12.6", "2.7.1", "0.17.1", "node-image", ["cuda-supports-gpu", "pytorch-wheel-supports-gpu"], []],
  // R560 predates Blackwell; 560 ≥ 525.60.13 runs 12.8 only under minor-version compatibility
  ["B200 on R560", "B200", "560.35.03", "12.8", "2.7.1", "0.17.1", "node-image", ["driver-supports-gpu"], ["driver-supports-cuda"]],
  // H200 shipped with the R550 generation
  ["H200 on R535", "H200", "535.230.02", "12.1", "2.4.1", "0.15.4", "node-image", ["driver-supports-gpu"], []],
  // CUDA 12.4 needs ≥ 550.54.14; 2.5 has a cu124 wheel; DeepSpeed 0.15 CI reached torch 2.5 (PR #6631)
  ["H200 on R550 with PyTorch 2.5.1 (CUDA 12.4)", "H200", "550.163.01", "12.4", "2.5.1", "0.15.4", "node-image", [], []],
  // 535 < 570.26 but ≥ 525.60.13 (12.x minor-version floor)
  ["A100 on R535 running CUDA 12.8 wheels", "A100", "535.230.02", "12.8", "2.7.1", "0.17.1", "node-image", [], ["driver-supports-cuda"]],
  // 470 is below the 12.x floor 525.60.13
  ["A100 on R470 with CUDA 12.1", "A100", "470.82.01", "12.1", "2.2.2", "0.13.5", "node-image", ["driver-supports-cuda"], []],
  // 450.80.02 is the 11.x minor-version floor; 11.8 wants 520.61.05
  ["A100 on 450.80.02 with CUDA 11.8", "A100", "450.80.02", "11.8", "2.0.1", "0.9.5", "node-image", [], ["driver-supports-cuda"]],
  // 450.51.05 is below the 11.x floor
  ["A100 on 450.51.05 with CUDA 11.8", "A100", "450.51.05", "11.8", "2.0.1", "0.9.5", "node-image", ["driver-supports-cuda"], []],
  // CUDA 12.1 needs ≥ 530.30.02; A10G is sm_86, in the cu121 list
  ["A10G (g5) on R535 with PyTorch 2.1.2 (CUDA 12.1)", "A10G", "535.230.02", "12.1", "2.1.2", "0.12.6", "node-image", [], []],
  // sm_86 arrived with CUDA 11.1 / driver 455.23; 450.80.02 runs 11.3 only under minor-version compatibility
  ["A10G on R450", "A10G", "450.80.02", "11.3", "1.12.1", "0.7.7", "node-image", ["driver-supports-gpu"], ["driver-supports-cuda"]],
  // Ada arrived with CUDA 11.8 / 520.61.05; sm_86 SASS in the cu117 wheel still runs on sm_89
  ["L40S on R515 with CUDA 11.7", "L40S", "515.65.01", "11.7", "1.13.1", "0.8.3", "node-image", ["driver-supports-gpu", "cuda-supports-gpu"], []],
  ["dev: L40S on R580 with PyTorch 2.7.1 (CUDA 12.8)", "L40S", "580.105.08", "12.8", "2.7.1", "0.17.1", "node-image", [], []],
  // CUDA 11.7 predates sm_90 and the cu117 wheel has no sm_90
  ["H100 with PyTorch 2.0.1's CUDA 11.7 wheel", "H100", "525.147.05", "11.7", "2.0.1", "0.9.5", "node-image", ["cuda-supports-gpu", "pytorch-wheel-supports-gpu"], []],
  // 2.0's cu118 wheel added sm_90 (pytorch/builder build_cuda.sh)
  ["H100 with PyTorch 2.0.1's CUDA 11.8 wheel on R525", "H100", "525.147.05", "11.8", "2.0.1", "0.9.5", "node-image", [], []],
  // PyTorch 2.3's wheels are 11.8 and 12.1 only
  ["PyTorch 2.3.1 asked for a CUDA 12.2 wheel", "A100", "535.230.02", "12.2", "2.3.1", "0.15.4", "node-image", ["pytorch-has-cuda-wheel"], []],
  // DeepSpeed 0.14's CI stayed on torch 2.2.2 after failures on 2.3 (PR #5454)
  ["DeepSpeed 0.14.4 with PyTorch 2.3.1", "A100", "535.230.02", "12.1", "2.3.1", "0.14.4", "node-image", ["deepspeed-supports-pytorch"], []],
  // DeepSpeed 0.12 predates torch 2.2+
  ["DeepSpeed 0.12.6 with PyTorch 2.7.1", "A100", "580.105.08", "12.8", "2.7.1", "0.12.6", "node-image", ["deepspeed-supports-pytorch"], []],
  // DeepSpeed 0.17's CI reached torch 2.8 (PR #7496); 2.9 came with 0.18 (PR #7816)
  ["DeepSpeed 0.17.1 with PyTorch 2.9.1", "H100", "580.105.08", "12.8", "2.9.1", "0.17.1", "node-image", ["deepspeed-supports-pytorch"], []],
  // GPU operator v26.7.0 validates R535, R580, R595, R610
  ["the operator installing R580 on H100", "H100", "580.105.08", "12.8", "2.7.1", "0.17.1", "operator", [], []],
  ["the operator asked to install R570", "H100", "570.195.03", "12.8", "2.7.1", "0.17.1", "operator", ["operator-supports-driver"], []],
  // the matrix ends at PyTorch 2.13, CUDA 13.2, R610: newer versions are unknown, not guessed
  ["PyTorch newer than the matrix", "H100", "580.105.08", "12.8", "2.14.0", "0.17.1", "node-image", ["unknown-version"], []],
  ["CUDA newer than the matrix", "H100", "610.43.02", "13.4", "2.11.0", "0.19.2", "node-image", ["unknown-version"], []],
  ["a driver branch newer than the matrix", "H100", "620.10.01", "12.8", "2.7.1", "0.17.1", "node-image", ["unknown-version"], []],
  // A800/H800 are sm_80/sm_90 parts; cu121 wheels cover both
  ["on-prem A800 on R535 with PyTorch 2.4.1 (CUDA 12.1)", "A800", "535.230.02", "12.1", "2.4.1", "0.15.4", "node-image", [], []],
  ["on-prem H800 on R535 with PyTorch 2.4.1 (CUDA 12.1)", "H800", "535.230.02", "12.1", "2.4.1", "0.15.4", "node-image", [], []],
  ["on-prem V100 on R535 with PyTorch 2.4.1 (CUDA 12.1)", "V100", "535.230.02", "12.1", "2.4.1", "0.15.4", "node-image", [], []],
  // CUDA 13.0 needs ≥ 580.65.06; 2.9 has a cu130 wheel with sm_90
  ["H100 with PyTorch 2.9.1 (CUDA 13.0)", "H100", "580.105.08", "13.0", "2.9.1", "0.18.1", "node-image", [], []],
  // the 13.x floor is 580: R575 cannot run CUDA 13 at all
  ["H100 on R575 with CUDA 13.0", "H100", "575.57.08", "13.0", "2.9.1", "0.18.1", "node-image", ["driver-supports-cuda"], []],
  // PyTorch 2.9 has no CUDA 13.1 wheel; R580 runs 13.1 only under minor-version compatibility
  ["PyTorch 2.9.1 asked for CUDA 13.1 on R580", "A100", "580.105.08", "13.1", "2.9.1", "0.18.1", "node-image", ["pytorch-has-cuda-wheel"], ["driver-supports-cuda"]],
];

describe("GPU software compatibility matrix", () => {
  it("is exercised on at least 30 real combinations", () => {
    expect(combinations.length).toBeGreaterThanOrEqual(30);
  });

  it.each(combinations)("%s", (_what, gpu, driverVersion, cudaVersion, pytorchVersion, deepspeedVersion, driverManagedBy, mandatory, advisory) => {
    const { findings } = checkAlignment(gpu, { driverVersion, cudaVersion, pytorchVersion, deepspeedVersion, driverManagedBy });
    expect(findings.filter((f) => f.severity === "mandatory").map((f) => f.rule)).toEqual(mandatory);
    expect(findings.filter((f) => f.severity === "advisory").map((f) => f.rule)).toEqual(advisory);
  });

  it("explains the issue's H100 example and names a combination that works", () => {
    const result = checkAlignment("H100", { driverVersion: "580.105.08", cudaVersion: "11.3", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1", driverManagedBy: "node-image" });
    expect(result.findings.map((f) => f.message)).toEqual([
      "CUDA 11.3 predates sm90 (first supported in 11.8)",
      "PyTorch 2.7.1 has no CUDA 11.3 wheel (its wheels: CUDA 11.8, 12.6, 12.8)",
    ]);
    expect(result.suggestion).toBe("PyTorch 2.7.1 with CUDA 12.8 on the nodes' driver 580.105.08 and DeepSpeed 0.17.1 would work");
  });

  it("suggests the minimum driver, or the operator's branch, when the driver is not fixed", () => {
    const stack = { driverVersion: "470.82.01", cudaVersion: "11.3", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1" };
    expect(suggestStack("H100", { ...stack, driverManagedBy: "operator" })).toBe("PyTorch 2.7.1 with CUDA 12.8 on driver ≥ 570.26 (the operator's R580) and DeepSpeed 0.17.1 would work");
  });

  it("keeps a node image's driver fixed and steps PyTorch back until it fits (V100 on R470)", () => {
    expect(suggestStack("V100", { driverVersion: "470.82.01", cudaVersion: "12.8", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1", driverManagedBy: "node-image" })).toBe(
      "PyTorch 1.12.1 with CUDA 11.3 on the nodes' driver 470.82.01 and DeepSpeed 0.7.x would work",
    );
  });

  it("reports an unknown version with the newest it knows", () => {
    const { findings } = checkAlignment("H100", { driverVersion: "580.105.08", cudaVersion: "12.8", pytorchVersion: "2.14.0", deepspeedVersion: "0.21.0", driverManagedBy: "node-image" });
    expect(findings.map((f) => f.message)).toEqual([
      "PyTorch 2.14.0 is newer than the matrix knows (newest known 2.13)",
      "DeepSpeed 0.21.0 is newer than the matrix knows (newest known 0.19)",
    ]);
  });
});

describe("matrix building blocks", () => {
  it("compares versions numerically, not as strings", () => {
    expect(compareVersions("2.10", "2.9")).toBeGreaterThan(0);
    expect(compareVersions("580.105.08", "580.95.05")).toBeGreaterThan(0);
    expect(compareVersions("12.8", "12.8.0")).toBe(0);
    expect(findPytorchRelease("2.1.2")?.version).toBe("2.1");
    expect(findPytorchRelease("2.10.0")?.version).toBe("2.10");
  });

  it("knows which CUDA releases target which architectures", () => {
    expect(cudaSupportsArch("12.9", "sm70")).toBe(true);
    expect(cudaSupportsArch("13.0", "sm70")).toBe(false);
    expect(cudaSupportsArch("11.8", "sm90")).toBe(true);
    expect(cudaSupportsArch("12.6", "sm100")).toBe(false);
    expect(findCudaRelease("12.8.1")?.minDriver).toBe("570.26");
  });

  it("runs same-major SASS on newer minors (sm_86 code on sm_89) but not across majors", () => {
    const cu117 = findWheel(findPytorchRelease("1.13.1")!, "11.7")!;
    expect(wheelSupportsArch(cu117, "sm89")).toBe(true);
    expect(wheelSupportsArch(cu117, "sm90")).toBe(false);
  });

  it("knows each driver's GPU generations", () => {
    expect(driverGpuProblem("580.105.08", "V100", "sm70")).toBeUndefined();
    expect(driverGpuProblem("595.91.07", "V100", "sm70")).toBe("driver branch R595 no longer supports sm70 (R580 is the last)");
    expect(driverGpuProblem("535.230.02", "H200", "sm90")).toBe("driver 535.230.02 predates H200 (sm90), which needs ≥ 550.54.14");
  });
});
