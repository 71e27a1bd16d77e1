// Transpile-only (tsconfig `isolatedModules`): type-checking is `npm run typecheck`'s job, so the
// suite stays fast on a 2-core machine.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 30000,
  reporters: ["default", "<rootDir>/test/summaryReporter.js"],
};
