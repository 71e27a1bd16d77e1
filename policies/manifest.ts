import { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { PLATFORM_TYPE, PlatformManifest } from "../infra/manifest";

/** The platform manifest: the inputs of the root Platform component (see infra/manifest.ts). */
export function findManifest(resources: readonly Pick<PolicyResource, "type" | "props">[]): PlatformManifest | undefined {
  const platform = resources.find((r) => r.type === PLATFORM_TYPE);
  return platform ? (platform.props as PlatformManifest) : undefined;
}

/** The manifest, or the policy declares itself not applicable (a stack this platform did not build). */
export function manifestOrNotApplicable(args: StackValidationArgs): PlatformManifest {
  const manifest = findManifest(args.resources);
  return manifest ?? args.notApplicable("no llm-platform:index:Platform resource carries the platform manifest");
}
