/**
 * EKS-optimized AL2023 NVIDIA AMI releases and the NVIDIA driver each ships (pure). A managed node
 * group without a pinned `releaseVersion` takes whatever AMI is newest when it is created or updated,
 * so the driver a stack declares would be checked but never enforced. The platform pins every node
 * group to one release and ties `gpuStack.driverVersion` to it.
 *
 * Source: awslabs/amazon-eks-ami CHANGELOG.md at commit 81fec2e8 (release notes v20250519–v20260714),
 * each release's "Release version" per Kubernetes minor and the AL2023_x86_64_NVIDIA column of package
 * `kmod-nvidia-latest-dkms`. Releases after the newest listed here are unknown to the table (the
 * node-image policy says so as advice, it does not refuse them).
 */

export interface EksAmiRelease {
  /** `<kubernetes patch>-<yyyymmdd>`, the managed node group's `releaseVersion`. */
  readonly releaseVersion: string;
  /** NVIDIA driver of the AL2023_x86_64_NVIDIA AMI of that release. */
  readonly nvidiaDriver: string;
}

const RELEASES: readonly (readonly [string, string])[] = [
  ["1.33.0-20250519", "570.133.20"], // v20250519
  ["1.33.0-20250620", "570.158.01"], // v20250620
  ["1.33.0-20250627", "570.158.01"], // v20250627
  ["1.33.0-20250704", "570.158.01"], // v20250704
  ["1.33.0-20250715", "575.57.08"], // v20250715
  ["1.33.3-20250807", "570.172.08"], // v20250807
  ["1.33.3-20250813", "570.172.08"], // v20250813
  ["1.33.3-20250819", "570.172.08"], // v20250819
  ["1.33.3-20250821", "570.172.08"], // v20250821
  ["1.33.3-20250829", "570.172.08"], // v20250829
  ["1.33.4-20250904", "570.172.08"], // v20250904
  ["1.33.4-20250915", "570.172.08"], // v20250915
  ["1.33.5-20250920", "570.172.08"], // v20250920
  ["1.33.5-20251002", "570.195.03"], // v20251002
  ["1.33.5-20251007", "570.195.03"], // v20251007
  ["1.33.5-20251016", "570.195.03"], // v20251016
  ["1.33.5-20251023", "570.195.03"], // v20251023
  ["1.33.5-20251029", "580.95.05"], // v20251029
  ["1.33.5-20251108", "580.95.05"], // v20251108
  ["1.33.5-20251112", "580.95.05"], // v20251112
  ["1.33.5-20251120", "580.105.08"], // v20251120
  ["1.33.5-20251209", "580.105.08"], // v20251209
  ["1.33.5-20251217", "580.105.08"], // v20251217
  ["1.33.5-20260107", "580.105.08"], // v20260107
  ["1.33.5-20260114", "580.105.08"], // v20260114
  ["1.33.5-20260116", "580.105.08"], // v20260116
  ["1.33.5-20260120", "580.126.09"], // v20260120
  ["1.33.5-20260128", "580.126.09"], // v20260129
  ["1.33.5-20260129", "580.126.09"], // v20260129
  ["1.33.7-20260209", "580.126.09"], // v20260209
  ["1.33.8-20260224", "580.126.09"], // v20260224
  ["1.33.8-20260304", "580.126.09"], // v20260304
  ["1.33.8-20260311", "580.126.09"], // v20260318
  ["1.33.8-20260318", "580.126.09"], // v20260318
  ["1.33.8-20260403", "580.126.09"], // v20260403
  ["1.33.10-20260409", "580.126.09"], // v20260409
  ["1.33.10-20260415", "580.126.09"], // v20260415
  ["1.33.11-20260423", "580.126.09"], // v20260423
  ["1.33.11-20260505", "580.126.09"], // v20260505
  ["1.33.12-20260610", "580.159.03"], // v20260610
  ["1.33.13-20260618", "580.159.03"], // v20260618
  ["1.33.13-20260625", "580.159.03"], // v20260625
  ["1.33.13-20260714", "580.159.03"], // v20260714
  ["1.34.0-20250915", "570.172.08"], // v20250915
  ["1.34.1-20250920", "570.172.08"], // v20250920
  ["1.34.1-20251002", "570.195.03"], // v20251002
  ["1.34.1-20251007", "570.195.03"], // v20251007
  ["1.34.1-20251016", "570.195.03"], // v20251016
  ["1.34.1-20251023", "580.95.05"], // v20251023
  ["1.34.1-20251029", "580.95.05"], // v20251029
  ["1.34.1-20251108", "580.95.05"], // v20251108
  ["1.34.1-20251112", "580.95.05"], // v20251112
  ["1.34.2-20251120", "580.105.08"], // v20251120
  ["1.34.2-20251209", "580.105.08"], // v20251209
  ["1.34.2-20251217", "580.105.08"], // v20251217
  ["1.34.2-20260107", "580.105.08"], // v20260107
  ["1.34.2-20260114", "580.105.08"], // v20260114
  ["1.34.2-20260116", "580.105.08"], // v20260116
  ["1.34.2-20260120", "580.126.09"], // v20260120
  ["1.34.2-20260128", "580.126.09"], // v20260129
  ["1.34.2-20260129", "580.126.09"], // v20260129
  ["1.34.3-20260209", "580.126.09"], // v20260209
  ["1.34.4-20260224", "580.126.09"], // v20260224
  ["1.34.4-20260304", "580.126.09"], // v20260304
  ["1.34.4-20260311", "580.126.09"], // v20260318
  ["1.34.4-20260318", "580.126.09"], // v20260318
  ["1.34.4-20260403", "580.126.09"], // v20260403
  ["1.34.6-20260409", "580.126.09"], // v20260409
  ["1.34.6-20260415", "580.126.09"], // v20260415
  ["1.34.7-20260423", "580.126.09"], // v20260423
  ["1.34.7-20260505", "580.126.09"], // v20260505
  ["1.34.8-20260610", "580.159.03"], // v20260610
  ["1.34.9-20260618", "580.159.03"], // v20260618
  ["1.34.9-20260625", "580.159.03"], // v20260625
  ["1.34.9-20260714", "580.159.03"], // v20260714
  ["1.35.0-20260114", "580.105.08"], // v20260114
  ["1.35.0-20260116", "580.105.08"], // v20260116
  ["1.35.0-20260120", "580.126.09"], // v20260120
  ["1.35.0-20260128", "580.126.09"], // v20260129
  ["1.35.0-20260129", "580.126.09"], // v20260129
  ["1.35.0-20260209", "580.126.09"], // v20260209
  ["1.35.0-20260224", "580.126.09"], // v20260224
  ["1.35.2-20260304", "580.126.09"], // v20260304
  ["1.35.2-20260311", "580.126.09"], // v20260318
  ["1.35.2-20260318", "580.126.09"], // v20260318
  ["1.35.2-20260403", "580.126.09"], // v20260403
  ["1.35.3-20260409", "580.126.09"], // v20260409
  ["1.35.3-20260415", "580.126.09"], // v20260415
  ["1.35.4-20260423", "580.126.09"], // v20260423
  ["1.35.4-20260505", "580.126.09"], // v20260505
  ["1.35.5-20260610", "580.159.03"], // v20260610
  ["1.35.6-20260618", "580.159.03"], // v20260618
  ["1.35.6-20260625", "580.159.03"], // v20260625
  ["1.35.6-20260714", "580.159.03"], // v20260714
  ["1.36.1-20260610", "580.159.03"], // v20260610
  ["1.36.2-20260618", "580.159.03"], // v20260618
  ["1.36.2-20260625", "580.159.03"], // v20260625
  ["1.36.2-20260714", "580.159.03"], // v20260714
];

const EKS_NVIDIA_AMI_RELEASES: readonly EksAmiRelease[] = RELEASES.map(([releaseVersion, nvidiaDriver]) => ({ releaseVersion, nvidiaDriver }));

/** "1.34.2-20260116" → "1.34". */
export const releaseMinor = (releaseVersion: string) => releaseVersion.split(".").slice(0, 2).join(".");

export function findAmiRelease(releaseVersion: string): EksAmiRelease | undefined {
  return EKS_NVIDIA_AMI_RELEASES.find((r) => r.releaseVersion === releaseVersion);
}

/** The newest known release of a Kubernetes minor that ships exactly this driver. */
export function newestReleaseWithDriver(kubernetesMinor: string, driverVersion: string): EksAmiRelease | undefined {
  return EKS_NVIDIA_AMI_RELEASES.filter((r) => releaseMinor(r.releaseVersion) === kubernetesMinor && r.nvidiaDriver === driverVersion).pop();
}

/** Drivers the known releases of a minor ship, each with its newest release (for error messages). */
export function driversOfMinor(kubernetesMinor: string): { driver: string; releaseVersion: string }[] {
  const newest = new Map<string, string>();
  for (const r of EKS_NVIDIA_AMI_RELEASES) if (releaseMinor(r.releaseVersion) === kubernetesMinor) newest.set(r.nvidiaDriver, r.releaseVersion);
  return [...newest].map(([driver, releaseVersion]) => ({ driver, releaseVersion }));
}

/** True when a release version is newer than every known release of its minor (the table is behind). */
export function isNewerThanTable(releaseVersion: string): boolean {
  const minor = releaseMinor(releaseVersion);
  const date = releaseVersion.split("-")[1] ?? "";
  const known = EKS_NVIDIA_AMI_RELEASES.filter((r) => releaseMinor(r.releaseVersion) === minor).map((r) => r.releaseVersion.split("-")[1]);
  return known.length === 0 || known.every((d) => d < date);
}
