#!/usr/bin/env node
// Entry of `npm run plan`. Node ≥ 22.1 keeps compiled bytecode of every loaded module on disk
// (module.enableCompileCache), which takes most of the module-loading cost off repeat runs;
// sucrase's own register hook strips the TypeScript types (type-checking is `npm run typecheck`'s job).
const nodeModule = require("node:module");
if (typeof nodeModule.enableCompileCache === "function") nodeModule.enableCompileCache();
require("sucrase/register/ts");
const { runCli } = require("../infra/plan/cli.ts");
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(2);
  },
);
