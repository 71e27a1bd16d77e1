import { GpuModelName } from "../infra/catalog/gpus";
import { checkVllmAlignment, findVllmReleases, vllmImage, VLLM_RELEASES } from "../infra/compat/vllm";
import { findCudaRelease } from "../infra/compat/cuda";

const TODAY = new Date("2026-12-02T12:00:00Z");
type Row = [what: string, gpu: GpuModelName, driver: string, vllm: string, findings: string[]];

// "kind:rule"; CUDA minimums from the CUDA release notes (12.8 ≥ 570.26, 13.0 ≥ 580.65.06, 12.x floor
// 525.60.13, 13.x floor 580); parts from the driver README (H100 SXM5 from 525.85.05, H200 from 550.90.07).
const cases: Row[] = [
  ["H100 on R580 serves vLLM 0.9.2 (CUDA 12.8)", "H100", "580.105.08", "0.9.2", []],
  ["H100 on R550 runs 0.9.2's CUDA 12.8 only under minor-version compatibility", "H100", "550.163.01", "0.9.2", ["limited:driver-supports-image-cuda", "end-of-life:driver-end-of-life"]],
  ["H100 on R470 predates both the part and CUDA 12", "H100", "470.82.01", "0.9.2", ["broken:driver-supports-gpu", "broken:driver-supports-image-cuda", "end-of-life:driver-end-of-life"]],
  ["V100 with vLLM 0.21.0, whose CUDA 13.0 dropped Volta", "V100", "580.105.08", "0.21.0", ["broken:image-cuda-supports-gpu", "limited:vllm-attention-backend"]],
  ["V100 with vLLM 0.16.0 (CUDA 12.9) without FlashAttention", "V100", "580.105.08", "0.16.0", ["limited:vllm-attention-backend"]],
  ["V100 on R590 (Volta ends at R580)", "V100", "590.44.01", "0.16.0", ["broken:driver-supports-gpu", "limited:vllm-attention-backend", "end-of-life:driver-end-of-life"]],
  ["A100 on R580 serves vLLM 0.29.0 (CUDA 13.0)", "A100", "580.105.08", "0.29.0", []],
  ["A100 on R535 cannot run CUDA 13 (floor 580)", "A100", "535.230.02", "0.29.0", ["broken:driver-supports-image-cuda", "end-of-life:driver-end-of-life"]],
  ["B200 with vLLM 0.8.5 (CUDA 12.4 predates sm_100)", "B200", "580.105.08", "0.8.5", ["broken:image-cuda-supports-gpu"]],
  ["B200 with vLLM 0.9.0 (CUDA 12.8)", "B200", "580.105.08", "0.9.0", []],
  ["L40S with vLLM 0.6.3 (CUDA 12.1)", "L40S", "580.105.08", "0.6.3", []],
  ["A10G with vLLM 0.10.2 (CUDA 12.8)", "A10G", "580.105.08", "0.10.2", []],
  ["H200 on R535 with vLLM 0.8.0", "H200", "535.230.02", "0.8.0", ["broken:driver-supports-gpu", "limited:driver-supports-image-cuda", "end-of-life:driver-end-of-life"]],
  ["vLLM 0.7.2 is between the matrix's rows", "H100", "580.105.08", "0.7.2", ["unknown:unknown-version"]],
  ["vLLM 0.30.0 is newer than the matrix", "H100", "580.105.08", "0.30.0", ["unknown:unknown-version"]],
  ["A100 on R620 serves vLLM 0.29.0", "A100", "620.10.01", "0.29.0", []],
];

describe("vLLM alignment", () => {

  it.each(cases)("%s", (_what, gpu, driver, vllm, expected) => {
    expect(checkVllmAlignment(gpu, driver, vllm, { today: TODAY }).findings.map((f) => `${f.kind}:${f.rule}`)).toEqual(expected);
  });

  it("suggests the nearest release that still targets the GPU when the image's CUDA dropped it", () => {
    expect(checkVllmAlignment("V100", "580.105.08", "0.21.0", { today: TODAY }).suggestion).toBe(
      "nearest working release: vLLM 0.16.0 (vllm/vllm-openai:v0.16.0, CUDA 12.9, PyTorch 2.9.1) on driver 580.105.08",
    );
  });

  it("asks for a newer node image when only the driver is too old", () => {
    expect(checkVllmAlignment("A100", "535.230.02", "0.29.0", { today: TODAY }).suggestion).toBe("change the node image to one whose driver is ≥ 580.65.06 (now 535.230.02); keep vLLM 0.29.0");
  });

  it("moves a B200 off a release whose CUDA predates Blackwell to the nearest one that has it", () => {
    expect(checkVllmAlignment("B200", "580.105.08", "0.8.5", { today: TODAY }).suggestion).toBe(
      "nearest working release: vLLM 0.9.2 (vllm/vllm-openai:v0.9.2, CUDA 12.8, PyTorch 2.7.0) on driver 580.105.08",
    );
  });

  it("gives no suggestion when nothing is refused", () => {
    expect(checkVllmAlignment("H100", "580.105.08", "0.30.0", { today: TODAY }).suggestion).toBeUndefined();
  });

  it("names the official image by release tag", () => {
    expect(vllmImage("0.9.2")).toBe("vllm/vllm-openai:v0.9.2");
  });

  it("knows the CUDA release of every row and finds a row by any of its patches", () => {
    for (const r of VLLM_RELEASES) expect(findCudaRelease(r.cuda)?.version).toBe(r.cuda);
    expect(findVllmReleases("0.8.3")?.torch).toBe("2.6.0");
    expect(findVllmReleases("0.11.0")?.torch).toBe("2.8.0");
    expect(findVllmReleases("0.11.1")).toBeUndefined();
  });
});
