/** Starts a real gateway on 127.0.0.1 against the fake upstream and embedding servers. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { validateConfig, type GatewayConfig } from "../../gateway/config";
import { startGateway, type RunningGateway } from "../../gateway/gateway";
import { loadLibrary, parseLibrary, type Library } from "../../gateway/library";
import { startFakeEmbeddings, startFakeUpstream, type FakeEmbeddings, type FakeUpstream } from "./fakes";

export const SAMPLE_LIBRARY = resolve(__dirname, "../../gateway/libraries/sales-dialogue.yaml");

export interface Harness {
  readonly gateway: RunningGateway;
  readonly upstream: FakeUpstream;
  readonly embeddings: FakeEmbeddings;
  readonly config: GatewayConfig;
  readonly library: Library;
  readonly logs: Array<Record<string, unknown>>;
  readonly cacheDir: string;
  /** Decision log lines only. */
  decisions(): Array<Record<string, unknown>>;
  chat(body: unknown, headers?: Record<string, string>): Promise<ChatResult>;
  close(): Promise<void>;
}

export interface ChatResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly content: string | undefined;
  readonly decision: string | null;
  readonly score: number;
}

export interface HarnessOptions {
  /** Library YAML text; default: the sample sales library. */
  readonly libraryYaml?: string;
  readonly upstream?: Partial<{ timeoutMs: number; maxTokens: number }>;
  readonly embeddingsTimeoutMs?: number;
  readonly batchSize?: number;
  /** Reuse a cache directory (restart tests); default: a fresh temporary one. */
  readonly cacheDir?: string;
  readonly fakes?: { upstream: FakeUpstream; embeddings: FakeEmbeddings };
  readonly retryDelaysMs?: readonly number[];
  /** Do not wait for /readyz. */
  readonly noWait?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const upstream = options.fakes?.upstream ?? (await startFakeUpstream());
  const embeddings = options.fakes?.embeddings ?? (await startFakeEmbeddings());
  const ownCache = options.cacheDir === undefined;
  const cacheDir = options.cacheDir ?? mkdtempSync(join(tmpdir(), "gateway-test-"));
  const loaded = options.libraryYaml !== undefined ? parseLibrary(options.libraryYaml) : loadLibrary(SAMPLE_LIBRARY);
  if (!loaded.library || !loaded.versionHash) throw new Error(`test library is invalid: ${loaded.problems.join("; ")}`);
  const { config, problems } = validateConfig(
    {
      listen: { port: 1, host: "127.0.0.1" },
      upstream: { baseUrl: upstream.url, model: "sales-7b", timeoutMs: 2000, maxTokens: 256, ...options.upstream },
      embeddings: { baseUrl: embeddings.url, model: "fake-ngram-512", timeoutMs: options.embeddingsTimeoutMs ?? 2000, batchSize: options.batchSize ?? 32, cacheDir },
      library: SAMPLE_LIBRARY,
    },
    process.cwd(),
    { port: 0 },
  );
  if (!config) throw new Error(problems.join("; "));
  // Port 0: the OS picks a free loopback port (the config schema itself only admits 1–65535).
  const logs: Array<Record<string, unknown>> = [];
  const gateway = await startGateway(config, loaded.library, loaded.versionHash, {
    log: (r) => logs.push(r),
    defaultMetrics: false,
    retryDelaysMs: options.retryDelaysMs ?? [50],
  });
  if (!options.noWait) await gateway.whenReady;

  return {
    gateway,
    upstream,
    embeddings,
    config,
    library: loaded.library,
    logs,
    cacheDir,
    decisions: () => logs.filter((l) => l.event === "decision"),
    async chat(body, headers = {}) {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      return {
        status: res.status,
        headers: res.headers,
        body: parsed,
        content: parsed?.choices?.[0]?.message?.content,
        decision: res.headers.get("x-compliance-decision"),
        score: Number(res.headers.get("x-compliance-score")),
      };
    },
    async close() {
      await gateway.close();
      if (!options.fakes) {
        await upstream.close();
        await embeddings.close();
      }
      if (ownCache) rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** A chat request body with one user message. */
export function userTurn(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: "sales", messages: [{ role: "user", content: text }], ...extra };
}
