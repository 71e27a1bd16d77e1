/**
 * Reads a stack's config the way the Pulumi CLI does, without the CLI: project defaults from
 * `Pulumi.yaml` (`config:` entries with `default` / `value`), overlaid by the stack file
 * `<stackConfigDir>/Pulumi.<stack>.yaml`. Values become the strings Pulumi hands a program
 * (maps and lists as JSON); `secure:` values stay opaque and are marked secret.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError, ConfigProblem } from "../config/errors";
import type { RawStackConfig } from "../config/types";

export interface ProjectFile {
  readonly name: string;
  readonly stackConfigDir: string;
  readonly defaults: Readonly<Record<string, string>>;
}

export function readProject(projectDir: string): ProjectFile {
  const doc = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  const name = String(doc.name);
  const defaults: Record<string, string> = {};
  for (const [rawKey, entry] of Object.entries((doc.config as Record<string, unknown>) ?? {})) {
    const fullKey = rawKey.includes(":") ? rawKey : `${name}:${rawKey}`;
    const value = entry !== null && typeof entry === "object" && !Array.isArray(entry)
      ? ((entry as Record<string, unknown>).value ?? (entry as Record<string, unknown>).default)
      : entry;
    if (value !== undefined) defaults[fullKey] = toConfigString(value);
  }
  return { name, stackConfigDir: String(doc.stackConfigDir ?? "."), defaults };
}

export function listStacks(projectDir: string): string[] {
  const project = readProject(projectDir);
  const dir = path.join(projectDir, project.stackConfigDir);
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function readStackConfig(projectDir: string, stack: string): RawStackConfig {
  const project = readProject(projectDir);
  const file = path.join(projectDir, project.stackConfigDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    throw new ConfigError(stack, [{ path: file, message: `no such stack file (stacks: ${listStacks(projectDir).join(", ")})` }]);
  }
  let doc: Record<string, unknown>;
  try {
    doc = (parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) ?? {};
  } catch (e) {
    throw new ConfigError(stack, [{ path: file, message: `is not valid YAML: ${(e as Error).message.split("\n")[0]}` }]);
  }
  const values: Record<string, string> = { ...project.defaults };
  const secretKeys = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const [fullKey, value] of Object.entries((doc.config as Record<string, unknown>) ?? {})) {
    if (!/^[^:]+:[^:]+$/.test(fullKey)) {
      problems.push({ path: fullKey, message: `is not a config key of the form <namespace>:<name> (e.g. ${project.name}:${fullKey})` });
      continue;
    }
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      // Ciphertext stays ciphertext: the plan never decrypts, it only knows a secret is there.
      values[fullKey] = String((value as { secure: unknown }).secure);
      secretKeys.add(fullKey);
    } else {
      values[fullKey] = toConfigString(value);
    }
  }
  if (problems.length > 0) throw new ConfigError(stack, problems);
  return { stack, values, secretKeys };
}

/** Pulumi passes strings as they are and every other value as JSON. */
function toConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
