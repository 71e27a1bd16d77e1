#!/usr/bin/env node
// Entry of `npm run gateway -- --config FILE [--port N]` (and `gateway:embed`, `gateway:check`):
// loads the gateway's TypeScript sources through sucrase's register hook, like the plan CLI.
const nodeModule = require("node:module");
if (typeof nodeModule.enableCompileCache === "function") nodeModule.enableCompileCache();
require("sucrase/register/ts");
require("../gateway/main.ts");
