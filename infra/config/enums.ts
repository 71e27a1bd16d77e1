/**
 * Every closed set of config values, once: the zod schemas validate against these lists and the
 * spec's types are derived from them, so a value can never be valid in one and unknown in the other.
 */

export const TARGETS = ["aws", "existing"] as const;
export type Target = (typeof TARGETS)[number];

export const PURPOSES = ["system", "training", "inference"] as const;
export type Purpose = (typeof PURPOSES)[number];

export const AWS_FABRICS = ["efa", "tcp"] as const;
export const ONPREM_FABRICS = ["infiniband", "tcp"] as const;
export type Fabric = (typeof AWS_FABRICS)[number] | (typeof ONPREM_FABRICS)[number];

export const NAT_MODES = ["single", "perAz"] as const;
export type NatMode = (typeof NAT_MODES)[number];

/** How a pool buys its nodes (config values; the node group's EKS capacity type is derived in the component). */
export const CAPACITY_TYPES = ["on-demand", "spot", "capacity-block", "reserved"] as const;
export type CapacityType = (typeof CAPACITY_TYPES)[number];

export const DRIVER_MANAGERS = ["operator", "node-image"] as const;
export type DriverManager = (typeof DRIVER_MANAGERS)[number];

export const MIG_STRATEGIES = ["none", "single", "mixed"] as const;
export type MigStrategy = (typeof MIG_STRATEGIES)[number];

export const PRIORITIES = ["high", "normal", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const PRECISIONS = ["bf16", "fp16"] as const;
export type Precision = (typeof PRECISIONS)[number];

export const OPTIMIZERS = ["adamw", "adam", "sgd"] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

export const ZERO_STAGES = [1, 2, 3] as const;
export type ZeroStage = (typeof ZERO_STAGES)[number];

/** What the idle-GPU reclaimer does with a team's idle workloads (docs/monitoring.md). */
export const RECLAIM_MODES = ["off", "dry-run", "deactivate"] as const;
export type ReclaimMode = (typeof RECLAIM_MODES)[number];
