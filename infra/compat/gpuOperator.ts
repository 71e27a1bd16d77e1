import { CHARTS } from "../versions";
import { driverBranch } from "./nvidiaDrivers";

/**
 * The pinned NVIDIA GPU operator and the drivers it validates (part of the matrix: a driver the
 * operator installs must be one of its driver images' branches).
 */

// GPU operator v26.7.0 platform support (as quoted in NVIDIA/gpu-operator issue #2883):
// 595.91.07 (default), 610.57.04, 580.173.02, 535.309.01. v26.7.x is the supported line since
// 25.10.x reached end of support (NVIDIA cloud-native docs, GPU operator life-cycle policy).
export const GPU_OPERATOR_VERSION = CHARTS.gpuOperator.version;
export const GPU_OPERATOR_VALIDATED_DRIVERS: readonly string[] = ["535.309.01", "580.173.02", "595.91.07", "610.57.04"];
export const GPU_OPERATOR_DRIVER_BRANCHES: readonly number[] = GPU_OPERATOR_VALIDATED_DRIVERS.map(driverBranch);
