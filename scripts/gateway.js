#!/usr/bin/env node
// Entry of `npm run gateway -- --config FILE [--port N]` (and `gateway:embed`, `gateway:check`):
// loads the gateway's TypeScript sources through ./ts-register, like the plan CLI.
const nodeModule = require("node:module");
if (typeof nodeModule.enableCompileCache === "function") nodeModule.enableCompileCache();
require("./ts-register");
const { runGatewayCli } = require("../gateway/cli.ts");
runGatewayCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`gateway: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
