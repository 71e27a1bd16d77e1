/**
 * Instant fake upstream and embedding servers in their own process, for `npm run bench:gateway`
 * (so they do not share the gateway's or the load generator's event loop). Prints their base URLs
 * as one JSON line, then serves until SIGTERM. The model always says `BENCH_MODEL_REPLY`.
 */
import { startFakeEmbeddings, startFakeUpstream } from "./fakes";

async function main(): Promise<void> {
  const upstream = await startFakeUpstream();
  const embeddings = await startFakeEmbeddings();
  const reply = process.env.BENCH_MODEL_REPLY ?? "";
  upstream.reply = () => reply;
  // Keep memory flat over a long run: the bench does not read what the fakes received.
  setInterval(() => {
    upstream.received.length = 0;
    embeddings.received.length = 0;
  }, 1000).unref();
  process.stdout.write(`${JSON.stringify({ upstream: upstream.url, embeddings: embeddings.url })}\n`);
  process.once("SIGTERM", async () => {
    await upstream.close();
    await embeddings.close();
    process.exit(0);
  });
}

void main();
