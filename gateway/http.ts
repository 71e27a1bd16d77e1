/** JSON POST to the gateway's dependencies (vLLM, TEI), with a hard deadline and classified failures. */
import { Agent, request, type Dispatcher } from "undici";

export type CallFailureKind = "timeout" | "http" | "network" | "malformed";

/** A failed call to a dependency; `kind` decides the logged reason of the fallback sent instead. */
export class DependencyError extends Error {
  constructor(
    readonly kind: CallFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "DependencyError";
  }
}

/** One keep-alive connection pool per gateway process, shared by the upstream and embedding clients. */
export function createDispatcher(): Agent {
  return new Agent({ keepAliveTimeout: 10_000, connections: 128 });
}

/** POSTs `body` as JSON and returns the parsed JSON answer; the deadline covers headers and body. */
export async function postJson(url: string, body: unknown, timeoutMs: number, dispatcher: Dispatcher, headers: Record<string, string> = {}): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs);
  let text: string;
  let status: number;
  try {
    const response = await request(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...headers },
      body: JSON.stringify(body),
      signal,
      dispatcher,
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (e) {
    if (signal.aborted) throw new DependencyError("timeout", `no answer from ${url} within ${timeoutMs} ms`);
    throw new DependencyError("network", `${url}: ${(e as Error).message}`);
  }
  if (status < 200 || status > 299) throw new DependencyError("http", `${url} answered ${status}: ${text.slice(0, 200)}`, status);
  try {
    return JSON.parse(text);
  } catch {
    throw new DependencyError("malformed", `${url} answered ${status} with a body that is not JSON: ${text.slice(0, 120)}`, status);
  }
}
