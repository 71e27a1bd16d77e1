/** The gateway's command line, run as operators run it (node scripts/gateway.js …). */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig, GatewayConfigError } from "../../gateway/config";
import { startFakeEmbeddings, startFakeUpstream, type FakeEmbeddings, type FakeUpstream } from "./fakes";
import { SAMPLE_LIBRARY } from "./harness";

const ROOT = resolve(__dirname, "../..");
const ENTRY = join(ROOT, "scripts/gateway.js");

function run(args: string[]) {
  return spawnSync(process.execPath, [ENTRY, ...args], { cwd: ROOT, encoding: "utf8", timeout: 20_000 });
}

/** Like run, but leaves the event loop free: the fake servers answering the child live in this process. */
function runAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [ENTRY, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (status) => {
      clearTimeout(timer);
      resolveRun({ status, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function configYaml(upstream: string, embeddings: string, extra = ""): string {
  return `listen:
  port: 8080
  host: 127.0.0.1
upstream:
  baseUrl: ${upstream}
  model: sales-7b
  timeoutMs: 2000
  maxTokens: 256
embeddings:
  baseUrl: ${embeddings}
  model: fake-ngram-512
  cacheDir: ./cache
library: ${SAMPLE_LIBRARY}
${extra}`;
}

describe("gateway config", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gateway-cli-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("names every bad key, its value and what is valid", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      `listen: { port: 0 }
upstream: { baseUrl: "http://vllm:8000", model: "", timeoutMs: 1.5, maxTokens: -1 }
embeddings: { baseUrl: "ftp://tei/v1", model: bge, batchSize: 0 }
libary: x.yaml
`,
    );
    let error: GatewayConfigError | undefined;
    try {
      loadConfig(file);
    } catch (e) {
      error = e as GatewayConfigError;
    }
    expect(error?.problems).toEqual([
      "listen.port: 0 is not valid; expected an integer port 1–65535",
      'upstream.baseUrl: "http://vllm:8000" is not valid; expected an http(s) OpenAI-style base URL ending in /v1, e.g. "http://vllm:8000/v1"',
      'upstream.model: "" is not valid; expected a non-empty model name as the service knows it',
      "upstream.timeoutMs: 1.5 is not valid; expected an integer number of milliseconds, 1–600000",
      "upstream.maxTokens: -1 is not valid; expected an integer cap on generated tokens, 1–1000000",
      'embeddings.baseUrl: "ftp://tei/v1" is not valid; expected an http(s) OpenAI-style base URL ending in /v1, e.g. "http://vllm:8000/v1"',
      "embeddings.batchSize: 0 is not valid; expected an integer 1–2048 (TEI accepts 32 inputs per request by default)",
      "library: is required; expected the path of the approved-reply library (YAML), relative to this config file",
      'unknown key "libary" (valid keys: listen, upstream, embeddings, library)',
    ]);
  });

  it("accepts the port bounds 1 and 65535 and refuses 65536", () => {
    const file = join(dir, "c.yaml");
    for (const [port, ok] of [
      [1, true],
      [65535, true],
      [65536, false],
    ] as const) {
      writeFileSync(file, configYaml("http://u/v1", "http://e/v1").replace("port: 8080", `port: ${port}`));
      if (ok) expect(loadConfig(file).listen.port).toBe(port);
      else expect(() => loadConfig(file)).toThrow("listen.port: 65536 is not valid; expected an integer port 1–65535");
    }
  });

  it("resolves the library and cache paths against the config file's folder and fills defaults", () => {
    const file = join(dir, "c.yaml");
    writeFileSync(file, configYaml("http://vllm:8000/v1/", "http://tei/v1").replace(`library: ${SAMPLE_LIBRARY}`, "library: libs/sales.yaml"));
    const config = loadConfig(file, { port: 9090 });
    expect(config.library).toBe(join(dir, "libs/sales.yaml"));
    expect(config.embeddings).toMatchObject({ cacheDir: join(dir, "cache"), batchSize: 32, timeoutMs: 5000 });
    expect(config.upstream.baseUrl).toBe("http://vllm:8000/v1");
    expect(config.listen.port).toBe(9090);
  });

  it("exits 1 with the problems on stderr and no stack trace on a bad config, a bad library or a bad --port", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "listen: { port: 8080 }\n");
    const r1 = run(["--config", bad]);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toContain("upstream: is required; expected { baseUrl, model, timeoutMs, maxTokens }");
    expect(r1.stderr).not.toMatch(/\n\s+at /);

    const lib = join(dir, "lib.yaml");
    writeFileSync(lib, 'version: "v"\nthreshold: 2\nuniversalFallback: u\nstages: []\n');
    const withBadLibrary = join(dir, "c.yaml");
    writeFileSync(withBadLibrary, configYaml("http://127.0.0.1:9/v1", "http://127.0.0.1:9/v1").replace(`library: ${SAMPLE_LIBRARY}`, "library: lib.yaml"));
    const r2 = run(["--config", withBadLibrary]);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain(`library "${lib}": threshold: 2 is not valid; expected a number in (0, 1]`);

    const r3 = run(["--config", withBadLibrary, "--port", "http"]);
    expect(r3.status).toBe(1);
    expect(r3.stderr).toContain('--port: "http" is not valid; expected an integer port 1–65535');

    const r4 = run(["--config", join(dir, "missing.yaml")]);
    expect(r4.status).toBe(1);
    expect(r4.stderr).toContain("cannot read the config file: ENOENT");
  });

  it("checks libraries and prints each version hash, exiting 1 when one is invalid", () => {
    const bad = join(dir, "bad-lib.yaml");
    writeFileSync(bad, 'version: "v"\nthreshold: 0.5\nuniversalFallback: u\nstages: [{ name: a }]\n');
    const r = run(["check", SAMPLE_LIBRARY, bad]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/sales-dialogue\.yaml: ok — version 2025\.06\.1, hash [0-9a-f]{12}, 3 stages/);
    expect(r.stderr).toContain("stages[0].replies: (missing) — an LLM stage needs at least one approved reply");
  });
});

describe("gateway process", () => {
  let upstream: FakeUpstream;
  let embeddings: FakeEmbeddings;
  let dir: string;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    embeddings = await startFakeEmbeddings();
    upstream.reply = () => "我们的课程按课时收费，一节25分钟的一对一外教课折合下来大概80元，买得越多单价越低。";
    dir = mkdtempSync(join(tmpdir(), "gateway-proc-"));
  });
  afterAll(async () => {
    await upstream.close();
    await embeddings.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("builds the embedded-library cache ahead of time; the served gateway then reads it, answers, and stops on SIGTERM with exit 0", async () => {
    const file = join(dir, "gateway.yaml");
    writeFileSync(file, configYaml(upstream.url, embeddings.url));
    const embedded = await runAsync(["embed", "--config", file]);
    expect(embedded.stderr).toBe("");
    expect(embedded.status).toBe(0);
    expect(embedded.stdout).toMatch(/^embedded: 27 texts × 512 dimensions \(library 2025\.06\.1, hash [0-9a-f]{12}, model fake-ngram-512\) → .*cache\/library-.*\.vectors/);
    const requestsAfterEmbed = embeddings.received.length;

    const port = await freePort();
    const child = spawn(process.execPath, [ENTRY, "--config", file, "--port", String(port)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      const until = Date.now() + 15_000;
      let ready = false;
      while (!ready && Date.now() < until) {
        ready = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(true);
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-dialogue-stage": "pricing" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "多少钱" }] }),
      });
      expect(res.headers.get("x-compliance-decision")).toBe("approved");
      // Only the model's reply was embedded: the library came from the cache.
      expect(embeddings.received.length).toBe(requestsAfterEmbed + 1);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    const lines = stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.find((l) => l.event === "library-indexed")).toMatchObject({ fromCache: true, texts: 27 });
    expect(lines.filter((l) => l.event === "decision")).toHaveLength(1);
  });
});
