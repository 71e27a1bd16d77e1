/**
 * Can the kubelet mount a pod's volumes? (pure) Checks what the API server's schema validation
 * lets through but the kubelet will never finish, each with its source.
 */
import { containersOf, PodTemplate } from "./podTemplates";

/** The persistent volume a claim binds to, as far as the plan knows it (driver and volume handle). */
export interface BoundVolume {
  readonly driver: string;
  readonly volumeHandle: string;
}

/** Finds the volume a claim in a namespace binds to (undefined: dynamically provisioned or unknown). */
export type ClaimLookup = (namespace: string | undefined, claimName: string) => BoundVolume | undefined;

export function podVolumeProblems(pod: PodTemplate, boundVolume: ClaimLookup = () => undefined): string[] {
  const problems: string[] = [];
  const volumes = pod.spec.volumes ?? [];
  const at = pod.where;

  // Before Kubernetes 1.35 the kubelet's volume manager keys mounts by the underlying volume, so a
  // pod naming one claim (or two claims bound to one CSI volume handle) in two volumes waits forever
  // for the second mount: kubernetes/kubernetes#99453, #51853, #132921 (fixed by #122140, in 1.35).
  // One volume with several volumeMounts (subPath for the parts) mounts fine on every version.
  const claimUsers = new Map<string, string[]>();
  const handleUsers = new Map<string, string[]>();
  for (const volume of volumes) {
    const claim = volume.persistentVolumeClaim?.claimName;
    if (!claim) continue;
    claimUsers.set(claim, [...(claimUsers.get(claim) ?? []), volume.name]);
    const bound = boundVolume(pod.namespace, claim);
    if (bound) {
      const key = `${bound.driver}|${bound.volumeHandle}`;
      handleUsers.set(key, [...(handleUsers.get(key) ?? []), `${volume.name} (claim ${claim})`]);
    }
  }
  for (const [claim, names] of claimUsers) {
    if (names.length > 1) {
      problems.push(`${at}: claim ${claim} is named in ${names.length} volumes (${names.join(", ")}); before Kubernetes 1.35 the kubelet never finishes mounting such a pod (kubernetes#99453) — use one volume with several volumeMounts (subPath for the writable part)`);
    }
  }
  for (const [key, names] of handleUsers) {
    const distinctClaims = new Set(names.map((n) => n.split("claim ")[1]));
    if (names.length > 1 && distinctClaims.size > 1) {
      problems.push(`${at}: volumes ${names.join(", ")} are bound to the same CSI volume ${key.split("|")[1]} (${key.split("|")[0]}); the kubelet waits forever for the second mount (kubernetes#132921) — mount one claim once and use subPath`);
    }
  }

  const byName = new Map(volumes.map((v) => [v.name, v]));
  for (const container of containersOf(pod.spec)) {
    const paths = new Set<string>();
    for (const mount of container.volumeMounts ?? []) {
      const volume = byName.get(mount.name);
      if (!volume) {
        problems.push(`${at}: container ${container.name} mounts volume ${mount.name}, which the pod does not define; the API server rejects the pod`);
        continue;
      }
      if (paths.has(mount.mountPath)) problems.push(`${at}: container ${container.name} mounts two volumes at ${mount.mountPath}; mount paths must be unique within a container (the API server rejects the pod)`);
      paths.add(mount.mountPath);
      // A claim volume marked readOnly makes every mount of it read-only, whatever the mount says.
      if (volume.persistentVolumeClaim?.readOnly && mount.readOnly !== true) {
        problems.push(`${at}: container ${container.name} mounts ${mount.mountPath} writable from volume ${mount.name}, whose claim is read-only (persistentVolumeClaim.readOnly): writes fail with EROFS — make the volume writable and the read-only mounts readOnly`);
      }
    }
  }
  return problems;
}

interface VolumeObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: any;
}

/** Claim → bound CSI volume, from the PersistentVolumes and claims among the objects (static provisioning). */
export function claimLookup(objects: readonly VolumeObject[]): ClaimLookup {
  const volumes = objects.filter((o) => o.kind === "PersistentVolume" && o.spec?.csi);
  const claims = objects.filter((o) => o.kind === "PersistentVolumeClaim");
  return (namespace, claimName) => {
    const claim = claims.find((c) => c.metadata?.name === claimName && (c.metadata?.namespace ?? namespace) === namespace);
    const volume = volumes.find((v) =>
      (claim?.spec?.volumeName !== undefined && v.metadata?.name === claim.spec.volumeName) ||
      (v.spec?.claimRef?.name === claimName && v.spec?.claimRef?.namespace === namespace));
    const csi = volume?.spec?.csi;
    return csi && typeof csi.volumeHandle === "string" ? { driver: String(csi.driver), volumeHandle: csi.volumeHandle } : undefined;
  };
}
