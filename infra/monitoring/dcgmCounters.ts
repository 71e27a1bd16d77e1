/**
 * The DCGM exporter's collectors file (pure): the exporter's default set plus the fault counters it
 * leaves commented out. The GPU operator mounts it from a ConfigMap named by dcgmExporter.config.name
 * under the key dcgm-metrics.csv and points DCGM_EXPORTER_COLLECTORS at it (NVIDIA/gpu-operator
 * v26.7.0 controllers/object_controls.go MetricsConfigFileName, templates/clusterpolicy.yaml).
 */

export type CounterType = "gauge" | "counter" | "label";

export interface DcgmCounter {
  readonly field: string;
  readonly type: CounterType;
  readonly help: string;
}

/** The ConfigMap (in the GPU operator's namespace) and the key the operator reads. */
export const DCGM_METRICS_CONFIGMAP = "llm-platform-dcgm-metrics";
export const DCGM_METRICS_KEY = "dcgm-metrics.csv";

/**
 * Every uncommented line of NVIDIA/dcgm-exporter 4.5.3-4.8.2 etc/default-counters.csv (the
 * exporter's `-f` default), in its order: the custom file must not lose any of them.
 */
export const DEFAULT_COUNTERS: readonly DcgmCounter[] = [
  { field: "DCGM_FI_DEV_SM_CLOCK", type: "gauge", help: "SM clock frequency (in MHz)." },
  { field: "DCGM_FI_DEV_MEM_CLOCK", type: "gauge", help: "Memory clock frequency (in MHz)." },
  { field: "DCGM_FI_DEV_MEMORY_TEMP", type: "gauge", help: "Memory temperature (in C)." },
  { field: "DCGM_FI_DEV_GPU_TEMP", type: "gauge", help: "GPU temperature (in C)." },
  { field: "DCGM_FI_DEV_POWER_USAGE", type: "gauge", help: "Power draw (in W)." },
  { field: "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", type: "counter", help: "Total energy consumption since boot (in mJ)." },
  { field: "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", type: "counter", help: "Total number of PCIe retries." },
  { field: "DCGM_FI_DEV_GPU_UTIL", type: "gauge", help: "GPU utilization (in %)." },
  { field: "DCGM_FI_DEV_MEM_COPY_UTIL", type: "gauge", help: "Memory utilization (in %)." },
  { field: "DCGM_FI_DEV_ENC_UTIL", type: "gauge", help: "Encoder utilization (in %)." },
  { field: "DCGM_FI_DEV_DEC_UTIL", type: "gauge", help: "Decoder utilization (in %)." },
  { field: "DCGM_FI_DEV_XID_ERRORS", type: "gauge", help: "Value of the last XID error encountered." },
  { field: "DCGM_FI_DEV_FB_FREE", type: "gauge", help: "Framebuffer memory free (in MiB)." },
  { field: "DCGM_FI_DEV_FB_USED", type: "gauge", help: "Framebuffer memory used (in MiB)." },
  { field: "DCGM_FI_DEV_FB_RESERVED", type: "gauge", help: "Framebuffer memory reserved (in MiB)." },
  { field: "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", type: "counter", help: "Total number of NVLink bandwidth counters for all lanes." },
  { field: "DCGM_FI_DEV_VGPU_LICENSE_STATUS", type: "gauge", help: "vGPU License status" },
  { field: "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", type: "counter", help: "Number of remapped rows for uncorrectable errors" },
  { field: "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", type: "counter", help: "Number of remapped rows for correctable errors" },
  { field: "DCGM_FI_DEV_ROW_REMAP_FAILURE", type: "gauge", help: "Whether remapping of rows has failed" },
  { field: "DCGM_FI_DRIVER_VERSION", type: "label", help: "Driver Version" },
  { field: "DCGM_FI_PROF_GR_ENGINE_ACTIVE", type: "gauge", help: "Ratio of time the graphics engine is active." },
  { field: "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", type: "gauge", help: "Ratio of cycles the tensor (HMMA) pipe is active." },
  { field: "DCGM_FI_PROF_DRAM_ACTIVE", type: "gauge", help: "Ratio of cycles the device memory interface is active sending or receiving data." },
  { field: "DCGM_FI_PROF_PCIE_TX_BYTES", type: "gauge", help: "The rate of data transmitted over the PCIe bus - including both protocol headers and data payloads - in bytes per second." },
  { field: "DCGM_FI_PROF_PCIE_RX_BYTES", type: "gauge", help: "The rate of data received over the PCIe bus - including both protocol headers and data payloads - in bytes per second." },
];

/**
 * What the default set leaves commented out and the alerts and dashboards need (field names and
 * types as commented in the same default-counters.csv).
 */
export const ADDED_COUNTERS: readonly DcgmCounter[] = [
  { field: "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", type: "counter", help: "Total number of single-bit volatile ECC errors." },
  { field: "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", type: "counter", help: "Total number of double-bit volatile ECC errors." },
  { field: "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL", type: "counter", help: "Total number of single-bit persistent ECC errors." },
  { field: "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", type: "counter", help: "Total number of double-bit persistent ECC errors." },
  // V100s (the on-prem inference pool) retire pages instead of remapping rows.
  { field: "DCGM_FI_DEV_RETIRED_DBE", type: "counter", help: "Total number of retired pages due to double-bit errors." },
  { field: "DCGM_FI_DEV_RETIRED_PENDING", type: "counter", help: "Total number of pages pending retirement." },
  { field: "DCGM_FI_DEV_POWER_VIOLATION", type: "counter", help: "Throttling duration due to power constraints (in ns)." },
  { field: "DCGM_FI_DEV_THERMAL_VIOLATION", type: "counter", help: "Throttling duration due to thermal constraints (in ns)." },
  { field: "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", type: "counter", help: "Total number of NVLink flow-control CRC errors." },
  { field: "DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL", type: "counter", help: "Total number of NVLink data CRC errors." },
  { field: "DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL", type: "counter", help: "Total number of NVLink retries." },
  { field: "DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL", type: "counter", help: "Total number of NVLink recovery errors." },
  // A count per XID code over the exporter's window (--xid-count-window-size, default 5 minutes:
  // dcgm-exporter 4.5.3-4.8.2 pkg/cmd/app.go), labelled `xid`; a windowed count, hence a gauge as in
  // the exporter's tests/integration/testdata/default-counters.csv.
  { field: "DCGM_EXP_XID_ERRORS_COUNT", type: "gauge", help: "Count of XID Errors within user-specified time window (see xid-count-window-size param)." },
];

export const DCGM_COUNTERS: readonly DcgmCounter[] = [...DEFAULT_COUNTERS, ...ADDED_COUNTERS];

/** The exporter's window for DCGM_EXP_XID_ERRORS_COUNT, minutes (its default; the chart does not change it). */
export const XID_COUNT_WINDOW_MINUTES = 5;

/** The collectors file in the exporter's format: `field, type, help` per line, `#` comments. */
export function dcgmCountersCsv(): string {
  const lines = [
    "# llm-platform: the DCGM exporter 4.5.3-4.8.2 default set plus fault counters (infra/monitoring/dcgmCounters.ts)",
    "# DCGM FIELD, Prometheus metric type, help message",
    ...DEFAULT_COUNTERS.map(line),
    "# Added by llm-platform: ECC, retired pages, throttling, NVLink errors, XID counts",
    ...ADDED_COUNTERS.map(line),
  ];
  return `${lines.join("\n")}\n`;
}

const line = (c: DcgmCounter) => `${c.field}, ${c.type}, ${c.help}`;

/** The series a counter becomes (label fields are labels, not series). */
export function scrapedSeries(): string[] {
  return DCGM_COUNTERS.filter((c) => c.type !== "label").map((c) => c.field);
}
