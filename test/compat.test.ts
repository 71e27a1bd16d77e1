import { GPU_MODELS, GpuModelName } from "../infra/catalog/gpus";
import { instanceTypeNames, findInstanceType } from "../infra/catalog/instances";
import { alignmentFindings, checkAlignment, suggestStack } from "../infra/compat/alignment";
import { ARCH_CUDA_SUPPORT, CUDA_RELEASES, cudaSupportsArch, findCudaRelease, MINOR_VERSION_FLOOR } from "../infra/compat/cuda";
import { DEEPSPEED_BREAKAGES, DEEPSPEED_RELEASES, findDeepspeedReleases } from "../infra/compat/deepspeed";
import { FACT_KINDS } from "../infra/compat/findings";
import { GPU_OPERATOR_VALIDATED_DRIVERS } from "../infra/compat/gpuOperator";
import { CATALOG_PART, GPU_PARTS, partOf } from "../infra/compat/gpuParts";
import { branchLifecycleProblem, DRIVER_BRANCHES, driverBranch, findBranch } from "../infra/compat/nvidiaDrivers";
import { findPytorchRelease, findWheel, PYTORCH_RELEASES, wheelSupportsArch } from "../infra/compat/pytorch";
import { AlignedStack } from "../infra/compat/rules";
import { VLLM_RELEASES } from "../infra/compat/vllm";
import { compareVersions } from "../infra/compat/version";

const TODAY = new Date("2026-12-02T12:00:00Z");
type Managed = "operator" | "node-image";
type Row = [what: string, gpu: GpuModelName, driver: string, cuda: string, torch: string, deepspeed: string, managedBy: Managed, broken: string[], advice: string[]];

// Advice is written "kind:rule". EOL months: NVIDIA data-center driver docs (R535 2026-06, R610 2026-08,
// R580 2028-06, R595 2027-03, R620 2029-09; R450 2023-07, R440 2020-11) or 1 year (PB) / 3 years (LTSB)
// after first release (R470 2024-07, R515 2023-05, R525 2023-11, R550 2025-02, R570 2026-02). NFBs
// (R560, R575, R590, R615) have no EOL and are superseded.
const EOL = "end-of-life:driver-end-of-life";
const UNTESTED_DS = "untested:deepspeed-supports-pytorch";
const LIMITED = "limited:driver-supports-cuda";
const UNKNOWN = "unknown:unknown-version";

const combinations: Row[] = [
  // field notes: R470 A100 servers trained with PyTorch 1.12.1 cu113 (sm_80 SASS); 11.3 needs ≥ 465.19.01; DeepSpeed 0.8.3's CI ran 1.8–1.13
  ["the field notes' A100 + R470 + PyTorch 1.12.1 (CUDA 11.3)", "A100", "470.82.01", "11.3", "1.12.1", "0.8.3", "node-image", [], [EOL]],
  // CUDA 12.8 needs ≥ 570.26; 2.7's cu128 has sm_90; DeepSpeed 0.16.8+ CI asserted torch 2.7
  ["prod: H100 SXM5 on R580 with PyTorch 2.7.1 (CUDA 12.8)", "H100", "580.105.08", "12.8", "2.7.1", "0.17.1", "node-image", [], []],
  ["dev: L40S on R580 with PyTorch 2.7.1 (CUDA 12.8)", "L40S", "580.105.08", "12.8", "2.7.1", "0.17.1", "node-image", [], []],
  // CUDA 11.8 added sm_90; 2.7's wheels are 11.8 / 12.6 / 12.8 (RELEASE.md)
  ["H100 with CUDA 11.3", "H100", "580.105.08", "11.3", "2.7.1", "0.17.1", "node-image", ["cuda-supports-gpu", "pytorch-has-cuda-wheel"], []],
  // pytorch#147607: the 2.7 cu128 build dropped sm_70; #157517 restored it for 2.8; #175253 dropped it in 2.11
  ["V100 with PyTorch 2.7.1's CUDA 12.8 wheel", "V100", "580.105.08", "12.8", "2.7.1", "0.17.1", "node-image", ["pytorch-wheel-supports-gpu"], []],
  ["V100 with PyTorch 2.8.0's CUDA 12.8 wheel and DeepSpeed 0.17.1 (CI ran ≤ 2.7)", "V100", "580.105.08", "12.8", "2.8.0", "0.17.1", "node-image", [], [UNTESTED_DS]],
  ["V100 with PyTorch 2.11.0's CUDA 12.8 wheel", "V100", "580.105.08", "12.8", "2.11.0", "0.19.5", "node-image", ["pytorch-wheel-supports-gpu"], []],
  // CUDA 13.0 removed Volta; cu130 wheels start at sm_75; DeepSpeed 0.18.1's CI ran ≤ 2.7
  ["V100 with CUDA 13.0", "V100", "580.105.08", "13.0", "2.9.1", "0.18.1", "node-image", ["cuda-supports-gpu", "pytorch-wheel-supports-gpu"], [UNTESTED_DS]],
  // R580 is the last branch for Volta; R590 is a superseded new-feature branch
  ["V100 on an R590 driver", "V100", "590.44.01", "12.6", "2.7.1", "0.17.1", "node-image", ["driver-supports-gpu"], [EOL]],
  // open-gpu-kernel-modules README: B200 (2901) listed from 570.86.15; HGX B200 board ≥ 570.133.20 (unverified → untested)
  ["B200 on 570.133.20 with CUDA 12.8", "B200", "570.133.20", "12.8", "2.7.1", "0.17.1", "node-image", [], [EOL]],
  ["B200 on 570.86.15: device listed, board requirement unverified", "B200", "570.86.15", "12.8", "2.7.1", "0.17.1", "node-image", [], ["untested:driver-supports-gpu", EOL]],
  ["B200 on 570.26 (CUDA 12.8's GA driver, before B200 was listed)", "B200", "570.26", "12.8", "2.7.1", "0.17.1", "node-image", ["driver-supports-gpu"], [EOL]],
  ["B200 with CUDA 12.6", "B200", "570.133.20", "12.6", "2.7.1", "0.17.1", "node-image", ["cuda-supports-gpu", "pytorch-wheel-supports-gpu"], [EOL]],
  ["B200 on R560 (12.8 under minor-version compatibility)", "B200", "560.35.03", "12.8", "2.7.1", "0.17.1", "node-image", ["driver-supports-gpu"], [LIMITED, EOL]],
  ["B200 on R595 with PyTorch 2.9.1 (CUDA 13.0)", "B200", "595.91.07", "13.0", "2.9.1", "0.18.9", "node-image", [], []],
  ["B200 on R580 with DeepSpeed 0.16.9 (CI ran 2.7)", "B200", "580.105.08", "12.8", "2.7.1", "0.16.9", "node-image", [], []],
  // H200 (2335) listed from 550.90.07: 550.54.14 (CUDA 12.4 GA) predates it
  ["H200 on R535", "H200", "535.230.02", "12.1", "2.4.1", "0.15.4", "node-image", ["driver-supports-gpu"], [EOL]],
  ["H200 on 550.54.14", "H200", "550.54.14", "12.4", "2.5.1", "0.15.4", "node-image", ["driver-supports-gpu"], [EOL]],
  ["H200 on 550.163.01 with PyTorch 2.5.1 (CUDA 12.4)", "H200", "550.163.01", "12.4", "2.5.1", "0.15.4", "node-image", [], [EOL]],
  // 535 < 570.26 but ≥ 525.60.13 (12.x floor)
  ["A100 on R535 running CUDA 12.8 wheels", "A100", "535.230.02", "12.8", "2.7.1", "0.17.1", "node-image", [], [LIMITED, EOL]],
  ["A100 on R470 with CUDA 12.1", "A100", "470.82.01", "12.1", "2.2.2", "0.13.5", "node-image", ["driver-supports-cuda"], [EOL]],
  ["A100 on 450.80.02 with CUDA 11.8 (11.x floor)", "A100", "450.80.02", "11.8", "2.0.1", "0.9.5", "node-image", [], [LIMITED, EOL]],
  ["A100 on 450.51.05 with CUDA 11.8 (below the 11.x floor)", "A100", "450.51.05", "11.8", "2.0.1", "0.9.5", "node-image", ["driver-supports-cuda"], [EOL]],
  ["A10G (g5) on R535 with PyTorch 2.1.2 (CUDA 12.1)", "A10G", "535.230.02", "12.1", "2.1.2", "0.12.6", "node-image", [], [EOL]],
  ["A10G on R450 (sm_86 arrived with CUDA 11.1 / R455)", "A10G", "450.80.02", "11.3", "1.12.1", "0.7.7", "node-image", ["driver-supports-gpu"], [LIMITED, EOL]],
  ["A10G on R580 with PyTorch 2.11.0 (cu128 keeps sm_86)", "A10G", "580.105.08", "12.8", "2.11.0", "0.19.5", "node-image", [], []],
  // L40S (26B9) listed from 535.104.05; Ada needs CUDA 11.8
  ["L40S on R515 with CUDA 11.7", "L40S", "515.65.01", "11.7", "1.13.1", "0.8.3", "node-image", ["driver-supports-gpu", "cuda-supports-gpu"], [EOL]],
  ["L40S on 535.86.05 (before L40S was listed)", "L40S", "535.86.05", "12.1", "2.4.1", "0.15.4", "node-image", ["driver-supports-gpu"], [EOL]],
  ["L40S on 535.104.05", "L40S", "535.104.05", "12.1", "2.4.1", "0.15.4", "node-image", [], [EOL]],
  // H100 SXM5 (2330) listed from 525.85.05 (H100 PCIe from 520.56.06)
  ["H100 with PyTorch 2.0.1's CUDA 11.7 wheel", "H100", "525.147.05", "11.7", "2.0.1", "0.9.5", "node-image", ["cuda-supports-gpu", "pytorch-wheel-supports-gpu"], [EOL]],
  ["H100 with PyTorch 2.0.1's CUDA 11.8 wheel on R525", "H100", "525.147.05", "11.8", "2.0.1", "0.9.5", "node-image", [], [EOL]],
  ["H100 SXM5 on 525.60.13 (before SXM5 was listed)", "H100", "525.60.13", "11.8", "2.0.1", "0.9.5", "node-image", ["driver-supports-gpu"], [EOL]],
  // H800 (2324) listed from 525.105.17; A800 (20F3) from 515.86.01
  ["on-prem H800 on R535 with PyTorch 2.4.1 (CUDA 12.1)", "H800", "535.230.02", "12.1", "2.4.1", "0.15.4", "node-image", [], [EOL]],
  ["H800 on 525.85.05 (before H800 was listed)", "H800", "525.85.05", "11.8", "2.0.1", "0.9.5", "node-image", ["driver-supports-gpu"], [EOL]],
  ["on-prem A800 on R535 with PyTorch 2.4.1 (CUDA 12.1)", "A800", "535.230.02", "12.1", "2.4.1", "0.15.4", "node-image", [], [EOL]],
  ["A800 on R470 (before A800 was listed)", "A800", "470.82.01", "11.3", "1.12.1", "0.8.3", "node-image", ["driver-supports-gpu"], [EOL]],
  ["on-prem V100 on R535 with PyTorch 2.4.1 (CUDA 12.1)", "V100", "535.230.02", "12.1", "2.4.1", "0.15.4", "node-image", [], [EOL]],
  // CUDA 10.2.89 needs ≥ 440.33; 1.12's cu102 wheel has sm_70; 10.2 predates sm_80
  ["V100 on R440 with PyTorch 1.12.1's CUDA 10.2 wheel", "V100", "440.33", "10.2", "1.12.1", "0.7.7", "node-image", [], [EOL]],
  ["A100 with CUDA 10.2", "A100", "440.33", "10.2", "1.12.1", "0.7.7", "node-image", ["driver-supports-gpu", "cuda-supports-gpu", "pytorch-wheel-supports-gpu"], [EOL]],
  // PyTorch 2.3's wheels are 11.8 and 12.1 only
  ["PyTorch 2.3.1 asked for a CUDA 12.2 wheel", "A100", "535.230.02", "12.2", "2.3.1", "0.15.4", "node-image", ["pytorch-has-cuda-wheel"], [EOL]],
  // DeepSpeed 0.14.3/0.14.4 CI asserted torch 2.3; 0.14.5 asserted 2.4 (#5454's 2.2 pin lasted six days)
  ["DeepSpeed 0.14.4 with PyTorch 2.3.1", "A100", "535.230.02", "12.1", "2.3.1", "0.14.4", "node-image", [], [EOL]],
  ["DeepSpeed 0.14.4 with PyTorch 2.4.1", "A100", "535.230.02", "12.1", "2.4.1", "0.14.4", "node-image", [], [UNTESTED_DS, EOL]],
  ["DeepSpeed 0.14.5 with PyTorch 2.4.1", "A100", "535.230.02", "12.1", "2.4.1", "0.14.5", "node-image", [], [EOL]],
  ["DeepSpeed 0.12.6 with PyTorch 2.7.1 (CI ran 1.10–2.1)", "A100", "580.105.08", "12.8", "2.7.1", "0.12.6", "node-image", [], [UNTESTED_DS]],
  ["DeepSpeed 0.17.1 with PyTorch 2.9.1", "H100", "580.105.08", "12.8", "2.9.1", "0.17.1", "node-image", [], [UNTESTED_DS]],
  ["DeepSpeed 0.18.5 with PyTorch 2.9.1 (modal CI, #7816)", "H100", "580.105.08", "12.8", "2.9.1", "0.18.5", "node-image", [], []],
  ["DeepSpeed 0.18.9 with PyTorch 2.11.0", "H100", "580.105.08", "12.6", "2.11.0", "0.18.9", "node-image", [], [UNTESTED_DS]],
  ["DeepSpeed 0.19.5 with PyTorch 2.11.0 (aws-torch-latest-full presets)", "A100", "580.105.08", "13.0", "2.11.0", "0.19.5", "node-image", [], []],
  ["DeepSpeed 0.19.5 with PyTorch 2.12.0", "A100", "580.105.08", "13.0", "2.12.0", "0.19.5", "node-image", [], [UNTESTED_DS]],
  // torch._six: imported unguarded through 0.8.1, removed in PyTorch 2.0, guarded in 0.8.2 (#2863)
  ["DeepSpeed 0.8.1 with PyTorch 2.0.1", "A100", "525.147.05", "11.8", "2.0.1", "0.8.1", "node-image", ["deepspeed-supports-pytorch"], [EOL]],
  ["DeepSpeed 0.8.2 with PyTorch 2.0.1", "A100", "525.147.05", "11.8", "2.0.1", "0.8.2", "node-image", [], [UNTESTED_DS, EOL]],
  ["DeepSpeed 0.8.1 with PyTorch 1.13.1", "A100", "525.147.05", "11.7", "1.13.1", "0.8.1", "node-image", [], [EOL]],
  // requirements.txt torch>=2.0.0 from 0.19.1; 0.19.0's CI floor was 2.0 (untested below)
  ["DeepSpeed 0.19.1 with PyTorch 1.13.1", "A100", "535.230.02", "11.7", "1.13.1", "0.19.1", "node-image", ["deepspeed-supports-pytorch"], [EOL]],
  ["DeepSpeed 0.19.0 with PyTorch 1.13.1", "A100", "535.230.02", "11.7", "1.13.1", "0.19.0", "node-image", [], [UNTESTED_DS, EOL]],
  // GPU operator v26.7.0 validates R535, R580, R595, R610
  ["the operator installing R580 on H100", "H100", "580.105.08", "12.8", "2.7.1", "0.17.1", "operator", [], []],
  ["the operator asked to install R570", "H100", "570.195.03", "12.8", "2.7.1", "0.17.1", "operator", ["operator-supports-driver"], [EOL]],
  ["the operator's R595 with PyTorch 2.13 (CUDA 13.2)", "H100", "595.91.07", "13.2", "2.13.0", "0.19.5", "operator", [], [UNTESTED_DS]],
  // PyTorch 2.14's wheels are 12.6, 13.0, 13.2: a 12.8 build does not exist
  ["PyTorch 2.14.0 asked for CUDA 12.8", "H100", "580.105.08", "12.8", "2.14.0", "0.17.1", "node-image", ["pytorch-has-cuda-wheel"], [UNTESTED_DS]],
  ["PyTorch 2.14.0 on R610 (CUDA 13.2)", "H100", "610.57.04", "13.2", "2.14.0", "0.19.5", "node-image", [], [UNTESTED_DS, EOL]],
  // newer than the matrix: advice, rules by number still apply
  ["PyTorch 2.15.0 (newer than the matrix)", "H100", "580.105.08", "12.8", "2.15.0", "0.17.1", "node-image", [], [UNKNOWN, UNTESTED_DS]],
  ["CUDA 13.4 with PyTorch 2.11.0 (no such wheel)", "H100", "610.43.02", "13.4", "2.11.0", "0.19.2", "node-image", ["pytorch-has-cuda-wheel"], [UNKNOWN, EOL]],
  ["CUDA 13.5 on R575 (13.x needs ≥ 580)", "H100", "575.57.08", "13.5", "2.15.0", "0.20.0", "node-image", ["driver-supports-cuda"], [UNKNOWN, UNKNOWN, UNKNOWN, EOL]],
  ["R620 (a long-term branch) on H100", "H100", "620.10.01", "12.8", "2.7.1", "0.17.1", "node-image", [], []],
  ["R615 (a superseded new-feature branch) on H100", "H100", "615.20.01", "13.0", "2.14.0", "0.19.5", "node-image", [], [UNTESTED_DS, EOL]],
  ["a branch newer than the matrix on H100", "H100", "625.10.01", "12.8", "2.7.1", "0.17.1", "node-image", [], [UNKNOWN]],
  ["a branch newer than the matrix on V100 (Volta ends at R580)", "V100", "625.10.01", "12.6", "2.7.1", "0.17.1", "node-image", ["driver-supports-gpu"], [UNKNOWN]],
  ["H100 on R575 with CUDA 13.0", "H100", "575.57.08", "13.0", "2.9.1", "0.18.1", "node-image", ["driver-supports-cuda"], [UNTESTED_DS, EOL]],
  ["PyTorch 2.9.1 asked for CUDA 13.1 on R580", "A100", "580.105.08", "13.1", "2.9.1", "0.18.9", "node-image", ["pytorch-has-cuda-wheel"], [LIMITED]],
];

describe("GPU software compatibility matrix", () => {
  it.each(combinations)("%s", (_what, gpu, driverVersion, cudaVersion, pytorchVersion, deepspeedVersion, driverManagedBy, broken, advice) => {
    const { findings } = checkAlignment(gpu, { driverVersion, cudaVersion, pytorchVersion, deepspeedVersion, driverManagedBy }, { today: TODAY });
    expect(findings.filter((f) => f.kind === "broken").map((f) => f.rule)).toEqual(broken);
    expect(findings.filter((f) => f.kind !== "broken").map((f) => `${f.kind}:${f.rule}`).sort()).toEqual([...advice].sort());
  });

  it("explains a refusal and names the nearest fix, never the refused stack", () => {
    const result = checkAlignment("H100", { driverVersion: "580.105.08", cudaVersion: "11.3", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1", driverManagedBy: "node-image" }, { today: TODAY });
    expect(result.findings.map((f) => f.message)).toEqual([
      "CUDA 11.3 predates sm90 (first supported in 11.8)",
      "PyTorch 2.7.1 has no CUDA 11.3 wheel (its wheels: CUDA 11.8, 12.6, 12.8)",
    ]);
    expect(result.suggestion?.text).toBe("nearest working stack: CUDA 11.3 → 11.8; keep driver 580.105.08, PyTorch 2.7.1, DeepSpeed 0.17.1");
  });

  it("fixes only the wheel when the GPU is missing from it (V100 on 2.7.1's cu128 → cu126)", () => {
    const s = suggestStack("V100", { driverVersion: "580.105.08", cudaVersion: "12.8", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1", driverManagedBy: "node-image" }, { today: TODAY });
    expect(s?.changes).toEqual([{ component: "cuda", from: "12.8", to: "12.6" }]);
  });

  it("asks for a newer node image when the driver predates the GPU part", () => {
    const s = suggestStack("H200", { driverVersion: "535.230.02", cudaVersion: "12.1", pytorchVersion: "2.4.1", deepspeedVersion: "0.15.4", driverManagedBy: "node-image" }, { today: TODAY });
    expect(s?.text).toBe("nearest working stack: change the node image to one whose driver is ≥ 550.90.07 (now 535.230.02); keep CUDA 12.1, PyTorch 2.4.1, DeepSpeed 0.15.4");
  });

  it("names a maintained driver the operator installs when it manages the driver", () => {
    const s = suggestStack("H100", { driverVersion: "470.82.01", cudaVersion: "11.3", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1", driverManagedBy: "operator" }, { today: TODAY });
    // 535.309.01 would run it, but R535 is past its June 2026 end of life
    expect(s?.changes).toEqual([
      { component: "driver", from: "470.82.01", to: "580.173.02" },
      { component: "cuda", from: "11.3", to: "11.8" },
    ]);
  });

  it("keeps a driver that runs the CUDA release under minor-version compatibility instead of downgrading", () => {
    const s = suggestStack("V100", { driverVersion: "470.82.01", cudaVersion: "12.8", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1", driverManagedBy: "node-image" }, { today: TODAY });
    // 470.82.01 ≥ 450.80.02 runs 2.7.1's cu118 wheel (sm_70 included); 12.x needs ≥ 525.60.13
    expect(s?.changes).toEqual([{ component: "cuda", from: "12.8", to: "11.8" }]);
  });

  it("names the patch that fixed a DeepSpeed breakage rather than a newer line", () => {
    const s = suggestStack("A100", { driverVersion: "525.147.05", cudaVersion: "11.8", pytorchVersion: "2.0.1", deepspeedVersion: "0.8.1", driverManagedBy: "node-image" }, { today: TODAY });
    expect(s?.changes).toEqual([{ component: "deepspeed", from: "0.8.1", to: "0.8.3" }]);
  });

  it("reports unknown newer versions as advice that names the newest known release", () => {
    const { findings } = checkAlignment("H100", { driverVersion: "580.105.08", cudaVersion: "12.8", pytorchVersion: "2.15.0", deepspeedVersion: "0.20.0", driverManagedBy: "node-image" }, { today: TODAY });
    expect(findings.map((f) => `${f.kind}: ${f.message}`)).toEqual([
      "unknown: PyTorch 2.15.0 is newer than the matrix (newest known 2.14.0): the matrix is behind; its wheels and their GPU targets are not checked",
      "unknown: DeepSpeed 0.20.0 is newer than the matrix (newest known 0.19.5): the matrix is behind; which PyTorch its CI ran is not checked",
    ]);
  });

  it("ends a branch's support after its EOL month, not during it", () => {
    const r535 = findBranch("535.230.02")!;
    expect(branchLifecycleProblem(r535, new Date("2026-06-30T23:59:59Z"))).toBeUndefined();
    expect(branchLifecycleProblem(r535, new Date("2026-07-01T00:00:00Z"))).toBe(
      "driver branch R535 (long-term support branch) reached end of life in 2026-06 (NVIDIA data-center driver lifecycle): no security fixes since",
    );
    expect(branchLifecycleProblem(findBranch("620.10.01")!, TODAY)).toBeUndefined();
  });
});

describe("the matrix's tables (maintenance guard: ordered, complete, consistent)", () => {
  const ascending = (versions: string[]) => versions.every((v, i) => i === 0 || compareVersions(versions[i - 1], v) < 0);

  it("lists every table in ascending order without duplicates", () => {
    expect(ascending(CUDA_RELEASES.map((r) => r.version))).toBe(true);
    expect(ascending(CUDA_RELEASES.map((r) => r.minDriver))).toBe(true);
    expect(ascending(DRIVER_BRANCHES.map((b) => String(b.branch)))).toBe(true);
    expect(ascending(PYTORCH_RELEASES.map((r) => r.version))).toBe(true);
    expect(ascending(DEEPSPEED_RELEASES.flatMap((r) => [r.first, r.last]).filter((v, i, all) => i === 0 || v !== all[i - 1]))).toBe(true);
    expect(ascending(VLLM_RELEASES.flatMap((r) => [r.first, r.last]).filter((v, i, all) => i === 0 || v !== all[i - 1]))).toBe(true);
  });

  it("puts every CUDA release's minimum driver on a known branch and every LTSB / PB on an EOL date", () => {
    for (const r of CUDA_RELEASES) expect([r.version, findBranch(r.minDriver)?.branch]).toEqual([r.version, driverBranch(r.minDriver)]);
    for (const b of DRIVER_BRANCHES.filter((x) => x.kind !== "NFB")) expect([b.branch, b.eol]).toEqual([b.branch, expect.stringMatching(/^\d{4}-\d{2}$/)]);
  });

  it("has a CUDA release for every listed wheel and a wheel whose CUDA can target its SASS", () => {
    for (const torch of PYTORCH_RELEASES) {
      for (const wheel of torch.wheels) {
        expect([torch.version, wheel.cuda, findCudaRelease(wheel.cuda)?.version]).toEqual([torch.version, wheel.cuda, wheel.cuda]);
      }
    }
  });

  it("gives every DeepSpeed line from 0.7 to 0.19 a tested torch range, and every breakage a known DeepSpeed", () => {
    for (let minor = 7; minor <= 19; minor++) expect([minor, findDeepspeedReleases(`0.${minor}.0`)?.testedTorch.length]).toEqual([minor, 2]);
    for (const b of DEEPSPEED_BREAKAGES) expect(findDeepspeedReleases(b.first) && findDeepspeedReleases(b.last)).toBeTruthy();
  });

  it("maps every catalog GPU (and so every GPU instance type) to a PCI part of its architecture", () => {
    for (const model of Object.keys(GPU_MODELS) as GpuModelName[]) expect(partOf(model).arch).toBe(GPU_MODELS[model].arch);
    for (const name of instanceTypeNames()) {
      const gpu = findInstanceType(name)!.gpu;
      if (gpu) expect(CATALOG_PART[gpu.model.name as GpuModelName]).toBeDefined();
    }
    for (const part of Object.values(GPU_PARTS)) expect(findBranch(part.firstDriver) ?? part.firstDriverConfirmed === false).toBeTruthy();
  });

  it("only lets the operator install drivers of branches the matrix knows", () => {
    for (const v of GPU_OPERATOR_VALIDATED_DRIVERS) expect(findBranch(v)).toBeDefined();
  });

  it("has the five fact kinds the policies map", () => {
    expect(FACT_KINDS).toEqual(["broken", "limited", "untested", "unknown", "end-of-life"]);
  });
});

describe("properties over the whole matrix", () => {
  // Every (GPU, PyTorch build, DeepSpeed row) combination the tables can express.
  const stacks: [GpuModelName, AlignedStack][] = [];
  for (const model of Object.keys(GPU_MODELS) as GpuModelName[]) {
    for (const torch of PYTORCH_RELEASES) {
      for (const wheel of torch.wheels) {
        for (const ds of [DEEPSPEED_RELEASES[0], DEEPSPEED_RELEASES[8], DEEPSPEED_RELEASES[DEEPSPEED_RELEASES.length - 1]]) {
          stacks.push([model, { driverVersion: findCudaRelease(wheel.cuda)!.minDriver, cudaVersion: wheel.cuda, pytorchVersion: torch.latestPatch, deepspeedVersion: ds.last, driverManagedBy: "node-image" }]);
        }
      }
    }
  }
  // The verdict alone (no suggestion search) keeps these loops fast.
  const brokenRules = (model: GpuModelName, stack: AlignedStack) => alignmentFindings(model, stack, { today: TODAY }).filter((f) => f.kind === "broken").map((f) => f.rule);

  it("never turns a clean stack into a refusal with a newer driver of the same branch", () => {
    for (const [model, stack] of stacks) {
      if (brokenRules(model, stack).length > 0) continue;
      const newer = `${driverBranch(stack.driverVersion)}.999.99`;
      expect([model, stack, brokenRules(model, { ...stack, driverVersion: newer })]).toEqual([model, stack, []]);
    }
  });

  it("never refuses a stack for a newer driver branch except where an architecture ends (Volta at R580)", () => {
    for (const [model, stack] of stacks) {
      if (brokenRules(model, stack).length > 0) continue;
      const expected = GPU_MODELS[model].arch === "sm70" ? ["driver-supports-gpu"] : [];
      expect([model, stack.cudaVersion, brokenRules(model, { ...stack, driverVersion: "700.10.01" })]).toEqual([model, stack.cudaVersion, expected]);
    }
  });

  it("refuses exactly the stacks whose CUDA cannot target the GPU or whose wheel lacks it", () => {
    for (const [model, stack] of stacks) {
      const arch = GPU_MODELS[model].arch;
      const wheel = findWheel(findPytorchRelease(stack.pytorchVersion)!, stack.cudaVersion)!;
      const rules = brokenRules(model, stack);
      expect([model, stack.cudaVersion, rules.includes("cuda-supports-gpu")]).toEqual([model, stack.cudaVersion, !cudaSupportsArch(stack.cudaVersion, arch)]);
      expect([model, stack.pytorchVersion, stack.cudaVersion, rules.includes("pytorch-wheel-supports-gpu")]).toEqual([model, stack.pytorchVersion, stack.cudaVersion, !wheelSupportsArch(wheel, arch)]);
    }
  });

  it("suggests, for every refused stack, a different stack that is itself clean of breakages", () => {
    for (const [model, stack] of stacks.filter((_, i) => i % 13 === 0)) {
      const { findings, suggestion } = checkAlignment(model, stack, { today: TODAY });
      if (!findings.some((f) => f.kind === "broken")) continue;
      expect(suggestion).toBeDefined();
      expect(suggestion!.stack).not.toEqual(stack);
      expect([model, suggestion!.stack, brokenRules(model, suggestion!.stack)]).toEqual([model, suggestion!.stack, []]);
    }
  });

  it("puts each CUDA major's minor-version floor on the branch of that major's first release", () => {
    for (const [major, floor] of Object.entries(MINOR_VERSION_FLOOR)) {
      const first = CUDA_RELEASES.find((r) => r.version.startsWith(`${major}.`))!;
      expect([major, driverBranch(floor)]).toEqual([major, driverBranch(first.minDriver)]);
    }
    for (const support of Object.values(ARCH_CUDA_SUPPORT)) expect(support.first).toMatch(/^\d+\.\d+$/);
  });
});
