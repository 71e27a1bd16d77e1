#!/usr/bin/env node
// `npm run kfp:vendor [-- --from DIR]`: puts Kubeflow Pipelines' manifests/kustomize of the pinned
// release where the program renders them from (llm-platform:pipelines.manifestsDir's default).
// Without --from it clones the release tag (the deployer needs git and GitHub); with --from it copies
// a mirror (air-gapped). The result is git-ignored: the manifests are upstream's, not this repo's.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
require("sucrase/register/ts");
const { KUBEFLOW_PIPELINES_VERSION } = require("../infra/versions.ts");
const { defaultPipelinesManifestsDir } = require("../infra/config/defaults.ts");
const { PIPELINES_REPOSITORY, missingKustomizations } = require("../infra/pipelines/manifests.ts");

const args = process.argv.slice(2);
const fromAt = args.indexOf("--from");
const target = path.resolve(__dirname, "..", defaultPipelinesManifestsDir());
let source;
let cleanup = () => {};
if (fromAt >= 0) {
  source = path.resolve(args[fromAt + 1] ?? "");
} else {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kfp-"));
  cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  execFileSync("git", ["clone", "--depth", "1", "--branch", KUBEFLOW_PIPELINES_VERSION, PIPELINES_REPOSITORY, tmp], { stdio: "inherit" });
  source = path.join(tmp, "manifests", "kustomize");
}
try {
  const missing = missingKustomizations(source, fs.existsSync);
  if (missing.length > 0) {
    console.error(`${source} is not Kubeflow Pipelines' manifests/kustomize at ${KUBEFLOW_PIPELINES_VERSION}: missing ${missing.join(", ")}`);
    process.exit(2);
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(source, target, { recursive: true });
  console.log(`Kubeflow Pipelines ${KUBEFLOW_PIPELINES_VERSION} manifests in ${path.relative(process.cwd(), target)}`);
} finally {
  cleanup();
}
