#!/usr/bin/env node
// Entry of `npm run bench:gateway [-- search|overhead|overhead-50k]`: prints the gateway's figures
// (test/gateway/bench.ts). Not part of `npm test`. --expose-gc lets the memory figure be measured
// after a collection.
const { spawnSync } = require("node:child_process");
const path = require("node:path");
const result = spawnSync(
  process.execPath,
  ["--expose-gc", "-r", require.resolve("sucrase/register/ts"), path.join(__dirname, "..", "test", "gateway", "bench.ts"), ...process.argv.slice(2)],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
