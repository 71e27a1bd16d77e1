#!/usr/bin/env node
// Entry of `npm run -s fabric-test -- --stack NAME --pool POOL | kubectl create -f -` (see docs/operations.md, "After `pulumi up`").
// sucrase's register hook loads the TypeScript sources.
const nodeModule = require("node:module");
if (typeof nodeModule.enableCompileCache === "function") nodeModule.enableCompileCache();
require("sucrase/register/ts");
const { runFabricTestCli } = require("../infra/plan/fabricTestCli.ts");
runFabricTestCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(2);
  },
);
