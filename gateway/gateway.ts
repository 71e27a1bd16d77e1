/** Assembles a running gateway: clients, metrics, HTTP server, and the library embedded in the background. */
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import type { GatewayConfig } from "./config";
import { OpenAiEmbeddingClient, type Embedder } from "./embeddings";
import { createDispatcher, DependencyError } from "./http";
import type { Library } from "./library";
import { buildLibraryIndex, embedLibrary, type LibraryIndex } from "./libraryIndex";
import { GatewayMetrics } from "./metrics";
import { buildServer, type LogSink } from "./server";
import { OpenAiChatClient, type ChatClient } from "./upstream";

export interface StartOptions {
  readonly log?: LogSink;
  /** Process metrics (event loop, heap) in /metrics; off in tests that start many gateways. */
  readonly defaultMetrics?: boolean;
  /** Waits between failed attempts to embed the library; the last one repeats. */
  readonly retryDelaysMs?: readonly number[];
  /** Replace the network clients (tests of the wiring only). */
  readonly embedder?: Embedder;
  readonly chat?: ChatClient;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly metrics: GatewayMetrics;
  /** Resolves once the library is embedded and indexed (never rejects; retries until closed). */
  readonly whenReady: Promise<void>;
  isReady(): boolean;
  close(): Promise<void>;
}

const DEFAULT_RETRY_DELAYS_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

export async function startGateway(config: GatewayConfig, library: Library, libraryHash: string, options: StartOptions = {}): Promise<RunningGateway> {
  const log = options.log ?? ((record) => process.stdout.write(`${JSON.stringify(record)}\n`));
  const dispatcher = createDispatcher();
  const embedder = options.embedder ?? new OpenAiEmbeddingClient(config.embeddings, dispatcher);
  const chat = options.chat ?? new OpenAiChatClient(config.upstream, dispatcher);
  const metrics = new GatewayMetrics({ defaultMetrics: options.defaultMetrics ?? true });
  metrics.libraryInfo.set({ version: library.version, hash: libraryHash.slice(0, 12), embedding_model: embedder.model }, 1);

  let index: LibraryIndex | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const embedQuery = async (text: string): Promise<Float32Array> => {
    const [vector] = await embedder.embed([text]);
    if (index && vector.length !== index.dimensions) {
      throw new DependencyError("malformed", `the embedding service answered ${vector.length} dimensions; the library was embedded with ${index.dimensions}`);
    }
    return vector;
  };

  const app = buildServer({
    library,
    libraryHash,
    embeddingModel: embedder.model,
    upstreamModel: config.upstream.model,
    index: () => index,
    deps: { embed: embedQuery, chat },
    metrics,
    log,
  });

  const indexLibrary = async (): Promise<void> => {
    const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    for (let attempt = 1; !closed; attempt++) {
      const started = Date.now();
      try {
        const embedded = await embedLibrary(library, libraryHash, embedder, { cacheDir: config.embeddings.cacheDir, batchSize: config.embeddings.batchSize });
        if (closed) return;
        index = buildLibraryIndex(library, embedded);
        metrics.ready.set(1);
        log({
          time: new Date().toISOString(),
          level: embedded.cacheWriteError ? "warn" : "info",
          event: "library-indexed",
          libraryVersion: library.version,
          libraryHash: libraryHash.slice(0, 12),
          embeddingModel: embedder.model,
          texts: embedded.vectors.length / Math.max(1, embedded.dimensions),
          dimensions: embedded.dimensions,
          fromCache: embedded.fromCache,
          cacheFile: embedded.cacheFile,
          indexBytes: index.memoryBytes,
          ms: Date.now() - started,
          ...(embedded.cacheWriteError ? { cacheWriteError: embedded.cacheWriteError } : {}),
        });
        return;
      } catch (e) {
        metrics.libraryEmbedFailures.inc();
        const delay = delays[Math.min(attempt - 1, delays.length - 1)];
        log({ time: new Date().toISOString(), level: "warn", event: "library-embed-failed", attempt, retryInMs: delay, error: (e as Error).message });
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, delay);
        });
      }
    }
  };

  await app.listen({ port: config.listen.port, host: config.listen.host });
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  log({ time: new Date().toISOString(), level: "info", event: "listening", address: `${host}:${address.port}`, libraryVersion: library.version, libraryHash: libraryHash.slice(0, 12) });
  const whenReady = indexLibrary();

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    app,
    metrics,
    whenReady,
    isReady: () => index !== undefined,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      wake?.();
      // A connection busy when close() began turns idle only after its answer; Node closes idle
      // keep-alive connections once, at close(), so sweep until the server is done.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 25);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
      await whenReady;
      await dispatcher.close();
    },
  };
}
