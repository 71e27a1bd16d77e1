/**
 * The Pulumi program: stack config → validated spec → the platform's components.
 * `pulumi up` runs this file; so does the offline plan (`npm run plan`), under the mock engine.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { Platform } from "../components/platform";
import { ConfigError } from "./config/errors";
import { PROJECT } from "./config/keys";
import { parseSpec } from "./config/spec";
import type { PlatformSpec } from "./config/types";
import { missingKustomizations, pipelinesVendorHint } from "./pipelines/manifests";
import { GatewayLibrary, readGatewayLibraries } from "./gateway/libraries";
import { trainingGpuPools } from "./queues/pools";

// `isConfigSecret` is marked internal in the SDK's typings but is how the runtime itself knows
// which config values came from `secure:` entries.
const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };

/** Reads the running stack's config (as the Pulumi engine handed it over) into the platform spec. */
function loadSpec(): PlatformSpec {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(values).filter((k) => runtime.isConfigSecret(k)));
  return parseSpec({ stack: pulumi.getStack(), values, secretKeys });
}

export interface ProgramOptions {
  /** Under the offline plan: files the deployer prepares before `pulumi up` (vendored manifests) are not required. */
  readonly offline?: boolean;
  /** The project directory (Pulumi.yaml's): files the stack names are relative to it. Default: the working directory, where `pulumi up` runs. */
  readonly projectDir?: string;
  /** The gateways' libraries when the caller has read them already (the offline plan does, to report them). */
  readonly gatewayLibraries?: Record<string, GatewayLibrary>;
}

export default async function main(options: ProgramOptions = {}) {
  let spec: PlatformSpec;
  let gatewayLibraries: Record<string, GatewayLibrary>;
  try {
    spec = loadSpec();
    gatewayLibraries = options.gatewayLibraries ?? readGatewayLibraries(spec, options.projectDir ?? process.cwd(), (file) => fs.readFileSync(file, "utf8"));
  } catch (e) {
    // RunError ends the program with the message alone: the problems are the user's to fix, not a crash.
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
  // Pipelines are installed with Kubeflow Trainer, on stacks with a GPU training pool (components/platform.ts).
  if (!options.offline && spec.pipelines.enabled && trainingGpuPools(spec).length > 0) {
    const missing = missingKustomizations(spec.pipelines.manifestsDir, fs.existsSync);
    if (missing.length > 0) throw new pulumi.RunError(`llm-platform:pipelines.manifestsDir ${JSON.stringify(spec.pipelines.manifestsDir)}: ${missing.join(", ")} not found; ${pipelinesVendorHint(spec.pipelines.manifestsDir)}`);
  }
  const kubeconfig = spec.target === "existing" ? new pulumi.Config(PROJECT).requireSecret("kubeconfig") : undefined;
  const platform = new Platform(spec.stack, { spec, kubeconfig, gatewayLibraries });
  return {
    target: spec.target,
    nodePools: spec.nodePools.map((p) => p.name),
    ...(platform.clusterName ? { clusterName: platform.clusterName, vpcId: platform.vpcId } : {}),
    ...(platform.fileSystemIdentity ? { fileSystemIdentity: platform.fileSystemIdentity, dataBucket: platform.bucketName } : {}),
  };
}
