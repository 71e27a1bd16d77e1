// The house's architecture rules, checked by dependency-cruiser (`npm run lint:arch`, and a jest
// test). Data flows one way: config → spec → pure knowledge → components → program; policies and
// the offline plan read the same pure knowledge.
/** Pure knowledge: infra/ except the program entry and the offline plan runner. */
const KNOWLEDGE = "^infra/(?!plan/|index\\.ts$)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "No import cycles, type-only imports included.",
      from: {},
      to: { circular: true },
    },
    {
      name: "knowledge-is-pure",
      severity: "error",
      comment: "Pure knowledge imports no Pulumi SDK, no component, no policy and nothing of the plan runner: it is tested in milliseconds and shared by the pack and the plan.",
      from: { path: KNOWLEDGE },
      // The gateway's library and config formats are the exception: their validation lives with the
      // gateway and the program checks each stack's libraries and rendered configs with it (pure modules).
      to: { path: ["(^|/)node_modules/@pulumi/", "^components/", "^policies/", "^infra/plan/", "^infra/index\\.ts$", "^gateway/(?!(library|config|problems)\\.ts$)"] },
    },
    {
      name: "policies-import-no-components",
      severity: "error",
      comment: "Policies see the plan only through recorded resources and pure knowledge, never through a component or the plan runner.",
      from: { path: "^policies/" },
      to: { path: ["^components/", "^infra/plan/", "^infra/index\\.ts$"] },
    },
    {
      name: "components-import-no-policies",
      severity: "error",
      comment: "Components build resources; judging them is the pack's job.",
      from: { path: "^components/" },
      to: { path: ["^policies/", "^infra/plan/"] },
    },
    {
      name: "gateway-stands-alone",
      severity: "error",
      comment: "The compliance gateway is its own service image: it imports nothing of the Pulumi program.",
      from: { path: "^gateway/" },
      to: { path: ["^infra/", "^components/", "^policies/", "(^|/)node_modules/@pulumi/"] },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^plan-out/|^coverage/|^reports/" },
    // Type-only imports count: a cycle through `import type` still couples two modules.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    moduleSystems: ["cjs", "es6"],
  },
};
