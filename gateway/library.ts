/**
 * The approved-reply library: its format, its validation and its version hash.
 *
 * Pure: no server, no network, no embedding. The offline plan imports this module to validate each
 * inference endpoint's library and print its version hash; the gateway imports it at start.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { z } from "zod";
import { describeIssues, show } from "./problems";

/** An approved text with a stable id (logged with every decision, reviewed in pull requests). */
export interface ApprovedText {
  readonly id: string;
  readonly text: string;
}

export interface Intent {
  readonly name: string;
  /** User messages that mean this intent; the user's last message is matched against them. */
  readonly examples: readonly string[];
  /** The scripted reply sent without calling the LLM. */
  readonly reply: string;
}

interface StageBase {
  readonly name: string;
  /** Overrides the library's threshold for this stage. */
  readonly threshold?: number;
  /** A/B variants; a conversation always sees the same one. Empty → the universal fallback. */
  readonly fallbacks: readonly ApprovedText[];
  readonly replies: readonly ApprovedText[];
}

export interface LlmStage extends StageBase {
  readonly mode: "llm";
}

/** Opening turns: a small intent model with scripted replies; the LLM only below `escalateBelow`. */
export interface ScriptedStage extends StageBase {
  readonly mode: "scripted";
  readonly intents: readonly Intent[];
  readonly escalateBelow: number;
}

export type Stage = LlmStage | ScriptedStage;

export interface Library {
  readonly version: string;
  readonly threshold: number;
  readonly universalFallback: string;
  readonly stages: readonly Stage[];
}

export interface LibraryValidation {
  /** Present only when there are no problems. */
  readonly library?: Library;
  readonly problems: readonly string[];
}

export interface LoadedLibrary extends LibraryValidation {
  /** sha256 (hex) of the validated library's content; present only when there are no problems. */
  readonly versionHash?: string;
}

/** Reply id of an intent's scripted reply, as logged and as a candidate of the stage's LLM check. */
export function intentReplyId(intent: Intent): string {
  return `intent:${intent.name}`;
}

/** The threshold a stage's LLM replies must clear: the stage's own, else the library's. */
export function stageThreshold(library: Library, stage: Stage): number {
  return stage.threshold ?? library.threshold;
}

/**
 * The approved texts an LLM reply is checked against: the stage's replies, and for a scripted stage
 * its intents' replies too (an escalated turn may still land on a scripted answer).
 */
export function approvedCandidates(stage: Stage): readonly ApprovedText[] {
  if (stage.mode === "llm") return stage.replies;
  const seen = new Set(stage.replies.map((r) => normaliseText(r.text)));
  const fromIntents: ApprovedText[] = [];
  for (const intent of stage.intents) {
    const key = normaliseText(intent.reply);
    if (seen.has(key)) continue;
    seen.add(key);
    fromIntents.push({ id: intentReplyId(intent), text: intent.reply });
  }
  return [...stage.replies, ...fromIntents];
}

/** Whitespace-insensitive form used to find duplicate texts. */
function normaliseText(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}

// ---------------------------------------------------------------------------------------------
// Schema (shapes and ranges); the cross-field rules follow in validateLibrary.

const unitInterval = z.number().gt(0).lte(1);
const approvedTextSchema = z.strictObject({ id: z.string(), text: z.string() });
const intentSchema = z.strictObject({ name: z.string(), examples: z.array(z.string()), reply: z.string() });
const stageSchema = z.strictObject({
  name: z.string(),
  mode: z.enum(["llm", "scripted"]).optional(),
  threshold: unitInterval.optional(),
  fallbacks: z.array(approvedTextSchema).optional(),
  replies: z.array(approvedTextSchema).optional(),
  intents: z.array(intentSchema).optional(),
  escalateBelow: unitInterval.optional(),
});
const librarySchema = z.strictObject({
  version: z.string(),
  threshold: unitInterval,
  universalFallback: z.string(),
  stages: z.array(stageSchema),
});

const EXPECTATIONS: Record<string, string> = {
  version: 'a string such as "2025.06.1" (quote it in YAML)',
  threshold: "a number in (0, 1]",
  escalateBelow: "a number in (0, 1]",
  universalFallback: "non-empty text",
  stages: "a list of stages",
  "stages[]": "{ name, replies, fallbacks, ... }",
  name: "a non-empty string",
  mode: '"llm" (the default) or "scripted"',
  replies: "a list of { id, text }",
  "replies[]": "{ id, text }",
  fallbacks: "a list of { id, text }",
  "fallbacks[]": "{ id, text }",
  id: "a reply id such as pricing-001",
  text: "non-empty text",
  intents: "a list of { name, examples, reply }",
  "intents[]": "{ name, examples, reply }",
  examples: "a list of example user messages",
  "examples[]": "non-empty text",
  reply: "non-empty text",
};

const KNOWN_KEYS: Record<string, readonly string[]> = {
  "": Object.keys(librarySchema.shape),
  "stages[]": Object.keys(stageSchema.shape),
  "stages[].replies[]": Object.keys(approvedTextSchema.shape),
  "stages[].fallbacks[]": Object.keys(approvedTextSchema.shape),
  "stages[].intents[]": Object.keys(intentSchema.shape),
};

/** Validates a parsed library document; every problem names its key, the bad value and what is valid. */
export function validateLibrary(doc: unknown): LibraryValidation {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    return { problems: [`(top level): ${show(doc)} is not a library; expected a mapping with version, threshold, universalFallback, stages`] };
  }
  const parsed = librarySchema.safeParse(doc);
  if (!parsed.success) {
    return { problems: describeIssues(parsed.error.issues, doc, { expectations: EXPECTATIONS, knownKeys: KNOWN_KEYS }) };
  }
  const raw = parsed.data;
  const problems: string[] = [];
  const empty = (path: string, value: string, what: string) => {
    if (value.trim() === "") problems.push(`${path}: ${show(value)} is empty; ${what}`);
  };

  empty("version", raw.version, 'give the library a version such as "2025.06.1"');
  empty("universalFallback", raw.universalFallback, "give the reply sent when nothing else applies");
  if (raw.stages.length === 0) problems.push("stages: the list is empty; a library needs at least one stage");

  const stageIndexByName = new Map<string, number>();
  const replyIdOwner = new Map<string, string>();
  raw.stages.forEach((stage, s) => {
    const at = `stages[${s}]`;
    empty(`${at}.name`, stage.name, "name the dialogue stage (the x-dialogue-stage header value)");
    const earlier = stageIndexByName.get(stage.name);
    if (earlier !== undefined && stage.name.trim() !== "") {
      problems.push(`${at}.name: ${show(stage.name)} is also the name of stages[${earlier}]; stage names must be unique`);
    } else stageIndexByName.set(stage.name, s);

    const mode = stage.mode ?? "llm";
    const replies = stage.replies ?? [];
    if (mode === "llm") {
      if (replies.length === 0) problems.push(`${at}.replies: ${show(stage.replies)} — an LLM stage needs at least one approved reply`);
      if (stage.intents !== undefined) problems.push(`${at}.intents: only a scripted stage (mode: scripted) has intents`);
      if (stage.escalateBelow !== undefined) problems.push(`${at}.escalateBelow: only a scripted stage (mode: scripted) has escalateBelow`);
    } else {
      if (stage.intents === undefined || stage.intents.length === 0) {
        problems.push(`${at}.intents: ${show(stage.intents)} — a scripted stage needs at least one intent { name, examples, reply }`);
      }
      if (stage.escalateBelow === undefined) {
        problems.push(`${at}.escalateBelow: is required for a scripted stage; expected a number in (0, 1] (below it the LLM answers)`);
      }
    }

    const checkTexts = (list: readonly ApprovedText[], key: "replies" | "fallbacks") => {
      const textOwner = new Map<string, number>();
      list.forEach((entry, i) => {
        const p = `${at}.${key}[${i}]`;
        empty(`${p}.id`, entry.id, "give every approved text an id such as pricing-001");
        empty(`${p}.text`, entry.text, "an approved text must have words");
        if (entry.id.trim() !== "") {
          const owner = replyIdOwner.get(entry.id);
          if (owner !== undefined) problems.push(`${p}.id: ${show(entry.id)} is also the id of ${owner}; reply ids must be unique in the library`);
          else replyIdOwner.set(entry.id, p);
        }
        if (entry.text.trim() !== "") {
          const key2 = normaliseText(entry.text);
          const first = textOwner.get(key2);
          if (first !== undefined) problems.push(`${p}.text: duplicates ${at}.${key}[${first}].text (${show(entry.text)}); remove one`);
          else textOwner.set(key2, i);
        }
      });
    };
    checkTexts(replies, "replies");
    checkTexts(stage.fallbacks ?? [], "fallbacks");

    const intentIndexByName = new Map<string, number>();
    const exampleOwner = new Map<string, string>();
    (stage.intents ?? []).forEach((intent, i) => {
      const p = `${at}.intents[${i}]`;
      empty(`${p}.name`, intent.name, "name the intent");
      const firstIntent = intentIndexByName.get(intent.name);
      if (firstIntent !== undefined && intent.name.trim() !== "") {
        problems.push(`${p}.name: ${show(intent.name)} is also the name of ${at}.intents[${firstIntent}]; intent names must be unique in a stage`);
      } else intentIndexByName.set(intent.name, i);
      empty(`${p}.reply`, intent.reply, "give the scripted reply");
      if (intent.examples.length === 0) problems.push(`${p}.examples: the list is empty; give at least one example user message`);
      intent.examples.forEach((example, e) => {
        const ep = `${p}.examples[${e}]`;
        empty(ep, example, "an example must have words");
        if (example.trim() === "") return;
        const key2 = normaliseText(example);
        const owner = exampleOwner.get(key2);
        if (owner !== undefined) problems.push(`${ep}: ${show(example)} duplicates ${owner}; an example belongs to one intent`);
        else exampleOwner.set(key2, ep);
      });
    });
  });

  if (problems.length > 0) return { problems };

  const stages: Stage[] = raw.stages.map((stage) => {
    const base = {
      name: stage.name,
      ...(stage.threshold !== undefined ? { threshold: stage.threshold } : {}),
      fallbacks: stage.fallbacks ?? [],
      replies: stage.replies ?? [],
    };
    return stage.mode === "scripted"
      ? { ...base, mode: "scripted", intents: stage.intents ?? [], escalateBelow: stage.escalateBelow as number }
      : { ...base, mode: "llm" };
  });
  return {
    library: { version: raw.version, threshold: raw.threshold, universalFallback: raw.universalFallback, stages },
    problems: [],
  };
}

/**
 * sha256 (hex) of the library's content in a canonical form (keys sorted, defaults filled), so
 * comments, key order and YAML layout do not change it and any change of text or threshold does.
 */
export function libraryVersionHash(library: Library): string {
  return createHash("sha256").update(canonicalJson(library)).digest("hex");
}

/** JSON with object keys sorted at every level. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Parses and validates library YAML text. */
export function parseLibrary(text: string): LoadedLibrary {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return { problems: doc.errors.map((e) => `YAML syntax error: ${e.message.split("\n")[0]}`) };
  }
  const result = validateLibrary(doc.toJS());
  return result.library ? { ...result, versionHash: libraryVersionHash(result.library) } : result;
}

/** Reads, parses and validates a library file; never throws. */
export function loadLibrary(file: string): LoadedLibrary {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return { problems: [`cannot read library file ${show(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`] };
  }
  return parseLibrary(text);
}
