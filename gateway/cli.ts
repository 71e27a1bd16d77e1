/**
 * Command line of the gateway:
 *   npm run gateway -- --config FILE [--port N]          serve
 *   npm run gateway:embed -- --config FILE               build the embedded-library cache ahead of time
 *   npm run gateway:check -- LIBRARY.yaml [...]          validate libraries, print version hashes
 * Bad input exits non-zero with messages naming the key; never a stack trace.
 */
import { Command, CommanderError } from "commander";
import { GatewayConfigError, loadConfig, parsePortFlag, type GatewayConfig } from "./config";
import { OpenAiEmbeddingClient } from "./embeddings";
import { createDispatcher } from "./http";
import { loadLibrary, type Library } from "./library";
import { embedLibrary, libraryTexts } from "./libraryIndex";
import { startGateway } from "./gateway";

interface Io {
  out(line: string): void;
  err(line: string): void;
}

const stdio: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

function loadAll(configFile: string, port?: string): { config: GatewayConfig; library: Library; hash: string } {
  const config = loadConfig(configFile, { port: parsePortFlag(port) });
  const loaded = loadLibrary(config.library);
  if (!loaded.library || !loaded.versionHash) {
    throw new GatewayConfigError(configFile, loaded.problems.map((p) => `library ${JSON.stringify(config.library)}: ${p}`));
  }
  return { config, library: loaded.library, hash: loaded.versionHash };
}

/** Runs the CLI; resolves to the exit code (serving resolves only after a shutdown signal). */
export async function runGatewayCli(argv: readonly string[], io: Io = stdio): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("gateway")
    .description("Compliance gateway: only approved replies reach the customer.")
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .option("--config <file>", "gateway config (YAML); required")
    .option("--port <n>", "listen port (overrides listen.port)")
    .action(async (opts: { config?: string; port?: string }) => {
      // Checked here, not with requiredOption: commander would demand it of the subcommands too.
      if (opts.config === undefined) throw new GatewayConfigError("--config", ["--config: is required; expected the path of the gateway config (YAML)"]);
      const { config, library, hash } = loadAll(opts.config, opts.port);
      const gateway = await startGateway(config, library, hash);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      });
      await gateway.close();
    });

  program
    .command("embed")
    .description("embed the library and write the cache the gateway reads at start")
    .requiredOption("--config <file>", "gateway config (YAML)")
    .action(async (opts: { config: string }) => {
      const { config, library, hash } = loadAll(opts.config);
      const dispatcher = createDispatcher();
      try {
        const started = Date.now();
        const embedder = new OpenAiEmbeddingClient(config.embeddings, dispatcher);
        const result = await embedLibrary(library, hash, embedder, { cacheDir: config.embeddings.cacheDir, batchSize: config.embeddings.batchSize });
        if (result.cacheWriteError) {
          io.err(`gateway embed: cannot write ${result.cacheFile}: ${result.cacheWriteError}`);
          exitCode = 1;
          return;
        }
        io.out(
          `${result.fromCache ? "already cached" : "embedded"}: ${libraryTexts(library).length} texts × ${result.dimensions} dimensions ` +
            `(library ${library.version}, hash ${hash.slice(0, 12)}, model ${config.embeddings.model}) → ${result.cacheFile} in ${Date.now() - started} ms`,
        );
      } finally {
        await dispatcher.close();
      }
    });

  program
    .command("check")
    .description("validate approved-reply libraries and print their version hashes")
    .argument("<library...>", "library files (YAML)")
    .action((files: string[]) => {
      for (const file of files) {
        const loaded = loadLibrary(file);
        if (loaded.library && loaded.versionHash) {
          io.out(`${file}: ok — version ${loaded.library.version}, hash ${loaded.versionHash.slice(0, 12)}, ${loaded.library.stages.length} stages`);
        } else {
          exitCode = 1;
          io.err(`${file}: ${loaded.problems.length} problem${loaded.problems.length === 1 ? "" : "s"}:`);
          for (const p of loaded.problems) io.err(`  - ${p}`);
        }
      }
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof GatewayConfigError) {
      io.err(`gateway: ${e.message}`);
      return 1;
    }
    io.err(`gateway: ${(e as Error).message}`);
    return 1;
  }
}
