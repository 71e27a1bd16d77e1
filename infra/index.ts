/**
 * The Pulumi program: stack config → validated spec → the platform's components.
 * `pulumi up` runs this file; so does the offline plan (`npm run plan`), under the mock engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { Platform } from "../components/platform";
import { loadSpec } from "./config/load";
import { PROJECT } from "./config/schema";

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
