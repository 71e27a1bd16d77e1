/** The gateway's config file (YAML): every key validated at start, every problem named. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { describeIssues, show } from "./problems";

export interface GatewayConfig {
  readonly listen: { readonly port: number; readonly host: string };
  readonly upstream: { readonly baseUrl: string; readonly model: string; readonly timeoutMs: number; readonly maxTokens: number };
  readonly embeddings: {
    readonly baseUrl: string;
    readonly model: string;
    readonly timeoutMs: number;
    readonly batchSize: number;
    /** Where embedded libraries are cached, keyed by library hash and embedding model. */
    readonly cacheDir: string;
  };
  /** Absolute path of the approved-reply library. */
  readonly library: string;
}

/** Thrown on a bad config; the message lists every problem, one per line. */
export class GatewayConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length} config problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "GatewayConfigError";
  }
}

// TEI refuses a request with more inputs than --max-client-batch-size, whose default is 32
// (huggingface/text-embeddings-inference router/src/main.rs `max_client_batch_size`).
const TEI_DEFAULT_MAX_CLIENT_BATCH_SIZE = 32;
const DEFAULT_EMBEDDING_TIMEOUT_MS = 5000;

const openAiBaseUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && /\/v1\/?$/.test(url.pathname);
  } catch {
    return false;
  }
});
const nonEmpty = z.string().refine((s) => s.trim() !== "");
const port = z.number().int().min(1).max(65535);

const configSchema = z.strictObject({
  listen: z.strictObject({ port, host: nonEmpty.optional() }),
  upstream: z.strictObject({
    baseUrl: openAiBaseUrl,
    model: nonEmpty,
    timeoutMs: z.number().int().min(1).max(600_000),
    maxTokens: z.number().int().min(1).max(1_000_000),
  }),
  embeddings: z.strictObject({
    baseUrl: openAiBaseUrl,
    model: nonEmpty,
    timeoutMs: z.number().int().min(1).max(600_000).optional(),
    batchSize: z.number().int().min(1).max(2048).optional(),
    cacheDir: nonEmpty.optional(),
  }),
  library: nonEmpty,
});

const EXPECTATIONS: Record<string, string> = {
  listen: "{ port }",
  port: "an integer port 1–65535",
  host: 'an address to bind, e.g. "0.0.0.0"',
  upstream: "{ baseUrl, model, timeoutMs, maxTokens }",
  embeddings: "{ baseUrl, model }",
  baseUrl: 'an http(s) OpenAI-style base URL ending in /v1, e.g. "http://vllm:8000/v1"',
  model: "a non-empty model name as the service knows it",
  timeoutMs: "an integer number of milliseconds, 1–600000",
  maxTokens: "an integer cap on generated tokens, 1–1000000",
  batchSize: `an integer 1–2048 (TEI accepts ${TEI_DEFAULT_MAX_CLIENT_BATCH_SIZE} inputs per request by default)`,
  cacheDir: "a directory path",
  library: "the path of the approved-reply library (YAML), relative to this config file",
};

const KNOWN_KEYS: Record<string, readonly string[]> = {
  "": Object.keys(configSchema.shape),
  listen: Object.keys(configSchema.shape.listen.shape),
  upstream: Object.keys(configSchema.shape.upstream.shape),
  embeddings: Object.keys(configSchema.shape.embeddings.shape),
};

/** Validates a parsed config document; paths (library, cacheDir) resolve against `baseDir`. */
export function validateConfig(doc: unknown, baseDir: string, overrides: { port?: number } = {}): { config?: GatewayConfig; problems: string[] } {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    return { problems: [`(top level): ${show(doc)} is not a config; expected a mapping with listen, upstream, embeddings, library`] };
  }
  const parsed = configSchema.safeParse(doc);
  if (!parsed.success) return { problems: describeIssues(parsed.error.issues, doc, { expectations: EXPECTATIONS, knownKeys: KNOWN_KEYS }) };
  const c = parsed.data;
  return {
    problems: [],
    config: {
      listen: { port: overrides.port ?? c.listen.port, host: c.listen.host ?? "0.0.0.0" },
      upstream: { ...c.upstream, baseUrl: c.upstream.baseUrl.replace(/\/+$/, "") },
      embeddings: {
        baseUrl: c.embeddings.baseUrl.replace(/\/+$/, ""),
        model: c.embeddings.model,
        timeoutMs: c.embeddings.timeoutMs ?? DEFAULT_EMBEDDING_TIMEOUT_MS,
        batchSize: c.embeddings.batchSize ?? TEI_DEFAULT_MAX_CLIENT_BATCH_SIZE,
        cacheDir: resolve(baseDir, c.embeddings.cacheDir ?? ".gateway-cache"),
      },
      library: resolve(baseDir, c.library),
    },
  };
}

/** Parses `--port N`; undefined when absent. Throws a GatewayConfigError naming the flag. */
export function parsePortFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new GatewayConfigError("--port", [`--port: ${show(value)} is not valid; expected an integer port 1–65535`]);
  return n;
}

/** Reads and validates a config file; throws GatewayConfigError listing every problem. */
export function loadConfig(file: string, overrides: { port?: number } = {}): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new GatewayConfigError(file, [`cannot read the config file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new GatewayConfigError(file, doc.errors.map((e) => `YAML syntax error: ${e.message.split("\n")[0]}`));
  const { config, problems } = validateConfig(doc.toJS(), dirname(resolve(file)), overrides);
  if (!config) throw new GatewayConfigError(file, problems);
  return config;
}
