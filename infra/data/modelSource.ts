/**
 * Where a tokenizer or model comes from, and what loading it will need at run time (pure): a token
 * for a gated Hugging Face repository, `trust_remote_code` for repositories that ship their own
 * tokenizer code, and the shared volume for staged copies (air-gapped clusters reach no hub).
 */
import type { HubAccess } from "../config/types";
import * as path from "path";
import { DATA_ROOT } from "./tokenise";

/** "org/name" on the Hugging Face Hub (huggingface_hub's repo-id rule: one slash, no path). */
export function isHubRepo(name: string): boolean {
  return /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(name) && !name.includes("..");
}

/** A copy staged on the shared volume, which every data and training pod mounts at DATA_ROOT (`..` resolved as the pods resolve it). */
export const isStagedPath = (name: string) => !name.includes("\0") && path.posix.normalize(name).startsWith(`${DATA_ROOT}/`);

/**
 * Organisations whose repositories are gated (the model card asks to accept a licence; an
 * anonymous download answers 401): meta-llama (Llama 2/3 community licences) and google's Gemma
 * repositories (huggingface.co model cards, "You need to agree to share your contact information").
 * An organisation not listed may still gate a repository: a token Secret is always accepted.
 */
const GATED_REPOS: readonly RegExp[] = [/^meta-llama\//i, /^google\/gemma/i];

/**
 * Repositories whose tokenizer is custom code in the repository (`auto_map` in tokenizer_config.json),
 * which transformers loads only with trust_remote_code: THUDM/chatglm-6b, chatglm2-6b, chatglm3-6b
 * (tokenization_chatglm.py), baichuan-inc/Baichuan*, internlm/internlm*, Qwen/Qwen-* (the first
 * Qwen; Qwen1.5 and later are native). Staged copies keep the repository's name as their folder.
 */
const REMOTE_CODE_TOKENIZERS: readonly RegExp[] = [/(^|\/)chatglm[23]?-/i, /(^|\/)baichuan/i, /(^|\/)internlm/i, /(^|\/)qwen-\d/i];

const isKnownGated = (name: string) => isHubRepo(name) && GATED_REPOS.some((re) => re.test(name));
export const needsRemoteCode = (name: string) => REMOTE_CODE_TOKENIZERS.some((re) => re.test(name));

/** What is wrong with loading `name` with these settings, as sentences (empty: it loads). */
export function modelSourceProblems(name: string, hub: HubAccess, what: "tokenizer" | "model"): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  if (name.startsWith("/") && !isStagedPath(name)) {
    problems.push({ key: what === "tokenizer" ? "tokenizer" : "name", message: `${JSON.stringify(name)} is a path outside the shared volume${path.posix.normalize(name) !== name ? ` (it resolves to ${path.posix.normalize(name)})` : ""}; pods see only ${DATA_ROOT}/… (stage the ${what} on shared storage, e.g. ${DATA_ROOT}/models/<name>)` });
  } else if (!name.startsWith("/") && !isHubRepo(name)) {
    problems.push({ key: what === "tokenizer" ? "tokenizer" : "name", message: `${JSON.stringify(name)} is neither a Hugging Face repository ("org/name") nor a path on the shared volume (${DATA_ROOT}/…)` });
  }
  if (isKnownGated(name) && !hub.tokenSecret) {
    problems.push({ key: "hubTokenSecret", message: `is required: ${name} is a gated Hugging Face repository and the job would fail with 401 Unauthorized (give { name, key } of a Secret in the team's namespace holding a token with access, or stage the ${what} on shared storage and name its path)` });
  }
  if (needsRemoteCode(name) && !hub.trustRemoteCode) {
    problems.push({ key: "trustRemoteCode", message: `must be true: ${name} ships its tokenizer as code in the repository, which transformers loads only with trust_remote_code (set trustRemoteCode: true; the plan then advises that the repository's code runs in the job)` });
  }
  return problems;
}

/** The claim directory that holds the Hugging Face cache every data and training pod shares. */
export const HF_CACHE_SUBPATH = "cache";

/**
 * How a pod reaches a model or tokenizer: the hub cache on the shared volume (HF_HOME), a gated
 * repository's token from the Secret the config names (huggingface_hub reads HF_TOKEN), and no hub
 * at all for a staged copy (HF_HUB_OFFLINE).
 */
export function hubEnv(hfHome: string, hub: HubAccess, offline: boolean): { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[] {
  return [
    { name: "HF_HOME", value: hfHome },
    ...(hub.tokenSecret ? [{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: hub.tokenSecret.name, key: hub.tokenSecret.key } } }] : []),
    ...(offline ? [{ name: "HF_HUB_OFFLINE", value: "1" }] : []),
  ];
}
