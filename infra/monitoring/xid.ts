/**
 * The NVIDIA XID codes the alerts and the node guard act on (pure). Meanings as in NVIDIA's XID
 * catalog (docs.nvidia.com/deploy/xid-errors) and NVIDIA/dcgm-exporter 4.5.3-4.8.2
 * internal/pkg/collector/xid_errors.go; the action is the catalog's "recommended action".
 */

export interface XidInfo {
  readonly meaning: string;
  /** The GPU needs a reset, a reboot or replacing: the node is cordoned. */
  readonly fatal: boolean;
  readonly action: string;
}

const XIDS: Readonly<Record<number, XidInfo>> = {
  13: { meaning: "Graphics engine exception", fatal: false, action: "application error: check the job's code and inputs" },
  31: { meaning: "GPU memory page fault", fatal: false, action: "application error (illegal address): check the job" },
  43: { meaning: "GPU stopped processing", fatal: false, action: "application error: the job hit a fault; restart it" },
  45: { meaning: "Preemptive cleanup, due to previous errors", fatal: false, action: "follows another XID: read that one" },
  48: { meaning: "Double-bit ECC error", fatal: true, action: "reset the GPU (drain the node); replace it if it recurs" },
  63: { meaning: "ECC page retirement or row remapping recording event", fatal: false, action: "reset the GPU when convenient to apply the remap" },
  64: { meaning: "ECC page retirement or row remapper recording failure", fatal: true, action: "drain the node; the GPU needs replacing (RMA)" },
  74: { meaning: "NVLink error", fatal: true, action: "drain the node and reset the GPUs; check the NVLink / NVSwitch" },
  79: { meaning: "GPU has fallen off the bus", fatal: true, action: "drain and reboot the node; replace the GPU if it recurs" },
  92: { meaning: "High single-bit ECC error rate", fatal: false, action: "watch for a DBE or row-remap failure; plan a replacement" },
  94: { meaning: "Contained ECC error", fatal: false, action: "only the affected application is stopped; restart it" },
  95: { meaning: "Uncontained ECC error", fatal: true, action: "drain the node and reset the GPU" },
  119: { meaning: "GSP RPC timeout", fatal: true, action: "drain the node and reset the GPU" },
  120: { meaning: "GSP error", fatal: true, action: "drain the node and reset the GPU" },
};

export const FATAL_XIDS: readonly number[] = Object.entries(XIDS).filter(([, x]) => x.fatal).map(([code]) => Number(code));
