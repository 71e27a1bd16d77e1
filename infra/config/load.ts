import * as pulumi from "@pulumi/pulumi";
import { parseSpec, PlatformSpec } from "./spec";

// `isConfigSecret` is marked internal in the SDK's typings but is how the runtime itself knows
// which config values came from `secure:` entries.
const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };

/** Reads the running stack's config (as the Pulumi engine handed it over) into the platform spec. */
export function loadSpec(): PlatformSpec {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(values).filter((k) => runtime.isConfigSecret(k)));
  return parseSpec({ stack: pulumi.getStack(), values, secretKeys });
}
