/**
 * EFA on AWS (pure): the launch-template network interfaces an instance type needs for all its
 * EFA bandwidth, and the huge pages libfabric's EFA provider uses.
 */
import { InstanceType } from "../catalog/instances";

export interface EfaInterface {
  readonly networkCardIndex: number;
  readonly deviceIndex: number;
  readonly interfaceType: "efa" | "efa-only";
}

/**
 * One EFA interface per network card: card 0 carries the primary interface as `efa` (EFA + ENA,
 * the node's IP traffic), every other card an `efa-only` interface at device index 0, which
 * uses no VPC address. AWS EC2 user guide, "Maximize network bandwidth on Amazon EC2 instances
 * with multiple network cards" (efa-acc-inst-types).
 */
export function efaInterfaces(type: InstanceType): EfaInterface[] {
  return Array.from({ length: type.efaInterfaces }, (_, card) => ({
    networkCardIndex: card,
    deviceIndex: 0,
    interfaceType: card === 0 ? "efa" : "efa-only",
  }));
}

// libfabric's EFA provider registers its buffers in 2 MiB huge pages; a pod can only use huge pages
// it requests, and a node can only offer those reserved at boot. AWS's EKS EFA guide requests
// hugepages-2Mi: 5120Mi per training pod; EFA nodes reserve that much at boot (user data).
export const EFA_HUGEPAGES_2MI = "5120Mi";
const EFA_HUGEPAGES_2MI_PAGES = 2560;

/** Node user data (MIME multipart, run before nodeadm starts the kubelet) reserving the huge pages. */
export function efaNodeUserData(): string {
  return [
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="llm-platform"',
    "",
    "--llm-platform",
    'Content-Type: text/x-shellscript; charset="us-ascii"',
    "",
    "#!/bin/bash",
    "# 2 MiB huge pages for libfabric's EFA provider, reserved before the kubelet starts so it advertises them.",
    `echo "vm.nr_hugepages = ${EFA_HUGEPAGES_2MI_PAGES}" > /etc/sysctl.d/90-llm-platform-efa-hugepages.conf`,
    "sysctl --system",
    "",
    "--llm-platform--",
    "",
  ].join("\n");
}
