/**
 * Each gateway's approved-reply library, read and validated where the program starts (the offline
 * plan and `pulumi up` alike): a library the gateway would refuse at start is a config error of the
 * stack, naming the endpoint's key. The format and its validation live in the gateway
 * (gateway/library.ts); this module only reads the files the stack names.
 */
import * as path from "path";
import { parseLibrary } from "../../gateway/library";
import { validateConfig } from "../../gateway/config";
import { planEndpoint } from "../inference/endpoints";
import { gatewayConfig } from "./manifests";
import { ConfigError, ConfigProblem, show } from "../config/errors";
import { configKey as key } from "../config/keys";
import type { PlatformSpec } from "../config/types";

export interface GatewayLibrary {
  /** The library's path as configured (relative to the project directory). */
  readonly file: string;
  readonly text: string;
  readonly version: string;
  /** sha256 of the canonical library (gateway/library.ts libraryVersionHash). */
  readonly hash: string;
  readonly stages: number;
}

/** Libraries by endpoint name; throws ConfigError listing every unreadable or invalid library. */
export function readGatewayLibraries(spec: PlatformSpec, projectDir: string, read: (file: string) => string): Record<string, GatewayLibrary> {
  const libraries: Record<string, GatewayLibrary> = {};
  const problems: ConfigProblem[] = [];
  spec.inferenceEndpoints.forEach((endpoint, i) => {
    if (!endpoint.gateway) return;
    const at = `${key("inferenceEndpoints")}[${i}].gateway.library`;
    const file = endpoint.gateway.library;
    let text: string;
    try {
      text = read(path.resolve(projectDir, file));
    } catch (e) {
      problems.push({ path: at, message: `${show(file)} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a library file inside the project, e.g. "gateway/libraries/sales-dialogue.yaml"` });
      return;
    }
    const loaded = parseLibrary(text);
    if (!loaded.library || !loaded.versionHash) {
      problems.push(...loaded.problems.map((p) => ({ path: at, message: `${show(file)}: ${p}` })));
      return;
    }
    libraries[endpoint.name] = { file, text, version: loaded.library.version, hash: loaded.versionHash, stages: loaded.library.stages.length };
    // The config the platform renders for it must be one the gateway accepts at start (else CrashLoopBackOff).
    const rendered = validateConfig(gatewayConfig({ endpoint: { ...endpoint, gateway: endpoint.gateway }, plan: planEndpoint(spec, endpoint) }), "/etc/gateway");
    problems.push(...rendered.problems.map((p) => ({ path: `${key("inferenceEndpoints")}[${i}].gateway`, message: `the gateway would refuse the config rendered for it: ${p}` })));
  });
  if (problems.length > 0) throw new ConfigError(spec.stack, problems);
  return libraries;
}
