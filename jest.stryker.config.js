// The suites Stryker runs for each mutant: the unit tests. The end-to-end tests that run the whole
// program under the mock engine (a plan per test file, seconds each) stay in `npm test`: the suites
// below are left out, and mixed suites skip their plan tests (itWithPlan, test/helpers/plan.ts).
// docs/contributing.md says what that costs in score.
process.env.LLM_PLATFORM_UNIT_ONLY = "1";
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  reporters: ["default"],
  testPathIgnorePatterns: [
    "/node_modules/",
    "/test/architecture\\.test\\.ts$", // dependency-cruiser over the source tree: no assertion on behaviour
    "/test/components\\.test\\.ts$",
    "/test/k8sSchemas\\.test\\.ts$",
    "/test/nodePools\\.test\\.ts$",
    "/test/plan\\.test\\.ts$",
    "/test/policies\\.pack\\.test\\.ts$", // loads every policy: related to every policy mutant
    "/test/policies\\.runtime\\.test\\.ts$",
    "/test/policies\\.training\\.test\\.ts$",
    "/test/reviewPlan\\.test\\.ts$",
    "/test/runtimeContract\\.test\\.ts$",
  ],
};
