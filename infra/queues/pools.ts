/** The pools Kueue queues GPU jobs for (pure): training pools with GPUs. */
import type { NodePoolSpec, PlatformSpec } from "../config/types";
import { isGpuPool } from "../nodes/labels";

export function trainingGpuPools(spec: Pick<PlatformSpec, "nodePools">): NodePoolSpec[] {
  return spec.nodePools.filter((p) => p.purpose === "training" && isGpuPool(p));
}
