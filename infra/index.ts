/**
 * The Pulumi program: stack config → validated spec → the platform's components.
 * `pulumi up` runs this file; so does the offline plan (`npm run plan`), under the mock engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { Platform } from "../components/platform";
import { PROJECT } from "./config/keys";
import { parseSpec } from "./config/spec";
import type { PlatformSpec } from "./config/types";

// `isConfigSecret` is marked internal in the SDK's typings but is how the runtime itself knows
// which config values came from `secure:` entries.
const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };

/** Reads the running stack's config (as the Pulumi engine handed it over) into the platform spec. */
export function loadSpec(): PlatformSpec {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(values).filter((k) => runtime.isConfigSecret(k)));
  return parseSpec({ stack: pulumi.getStack(), values, secretKeys });
}

export default async function main() {
  const spec = loadSpec();
  const kubeconfig = spec.target === "existing" ? new pulumi.Config(PROJECT).requireSecret("kubeconfig") : undefined;
  const platform = new Platform(spec.stack, { spec, kubeconfig });
  return {
    target: spec.target,
    nodePools: spec.nodePools.map((p) => p.name),
    ...(platform.clusterName ? { clusterName: platform.clusterName, vpcId: platform.vpcId } : {}),
    ...(platform.fileSystemIdentity ? { fileSystemIdentity: platform.fileSystemIdentity, dataBucket: platform.bucketName } : {}),
  };
}
