/**
 * Helm values for the NVIDIA GPU operator (pure, so the contract test can check every key against
 * the pinned chart's values.yaml).
 */
import type { PlatformSpec } from "../config/types";
import { DCGM_METRICS_CONFIGMAP } from "../monitoring/dcgmCounters";
import { GPU_TOLERATION } from "../nodes/labels";

export const GPU_OPERATOR_NAMESPACE = "gpu-operator";

export function gpuOperatorValues(spec: PlatformSpec) {
  const { gpuStack } = spec;
  const operatorDriver = gpuStack.driverManagedBy === "operator";
  // The EKS accelerated AMI ships the container toolkit with its driver; elsewhere the operator installs it.
  const nodeImageHasToolkit = spec.target === "aws" && !operatorDriver;
  // On-prem with InfiniBand the Network Operator already runs Node Feature Discovery; one NFD per cluster.
  const networkOperatorRunsNfd = spec.target === "existing" && spec.nodePools.some((p) => p.fabric === "infiniband");
  return {
    nfd: { enabled: !networkOperatorRunsNfd },
    daemonsets: { tolerations: [GPU_TOLERATION] },
    driver: {
      enabled: operatorDriver,
      // Pinned from gpuStack; the operator's own default is never used.
      version: gpuStack.driverVersion,
      upgradePolicy: {
        autoUpgrade: true,
        maxParallelUpgrades: 1,
        maxUnavailable: 1,
        // Drain one node at a time so running jobs are evicted (and resume from checkpoints) rather than losing their GPUs mid-step.
        drain: { enable: true, force: false, deleteEmptyDir: true, timeoutSeconds: 900 },
      },
    },
    toolkit: { enabled: !nodeImageHasToolkit },
    devicePlugin: { enabled: true },
    gfd: { enabled: true },
    dcgmExporter: {
      enabled: true,
      // The platform's collectors file (fault counters on); the operator reads it from this ConfigMap
      // in its own namespace (values.yaml dcgmExporter.config, documented there in a comment).
      config: { name: DCGM_METRICS_CONFIGMAP },
      // The platform scrapes the exporter with its own ServiceMonitor (pod attribution, pool label,
      // created after the CRD exists); the operator's would scrape it twice, or silently not at all
      // when it starts before the CRD (controllers/object_controls.go skips a missing CRD).
      serviceMonitor: { enabled: false },
    },
    mig: { strategy: gpuStack.migStrategy },
    migManager: { enabled: gpuStack.migStrategy !== "none" },
  };
}
