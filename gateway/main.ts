/** Process entry of the gateway (the image's `node main.js`, and scripts/gateway.js in the repo). */
import { runGatewayCli } from "./cli";

runGatewayCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`gateway: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
