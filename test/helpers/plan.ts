import type { StackPlan } from "../../infra/plan/plan";
import type { RecordedResource } from "../../infra/plan/record";
import { PROJECT_DIR } from "./stacks";

/**
 * The end-to-end tests that run the whole program under the mock engine (a plan per file, seconds
 * each) run under `npm test`. Stryker (jest.stryker.config.js) sets LLM_PLATFORM_UNIT_ONLY and runs
 * only the unit tests, so a mutant costs milliseconds; the pure modules carry their own unit tests.
 */
export const PLAN_TESTS_SKIPPED = process.env.LLM_PLATFORM_UNIT_ONLY === "1";
export const describeWithPlan: jest.Describe = PLAN_TESTS_SKIPPED ? describe.skip : describe;
export const itWithPlan: jest.It = PLAN_TESTS_SKIPPED ? it.skip : it;

const cache = new Map<string, Promise<StackPlan>>();

/** The offline plan of a reference stack (the real program under the mock engine), run once per file. */
export function referencePlan(stack: string): Promise<StackPlan> {
  if (!cache.has(stack)) {
    // Required here, not imported: loading the program (Pulumi SDKs, every component) takes seconds.
    const { planStack } = require("../../infra/plan/plan") as typeof import("../../infra/plan/plan");
    cache.set(stack, planStack(PROJECT_DIR, stack).then((r) => {
      if (!r.ok) throw r.error;
      return r.plan;
    }));
  }
  return cache.get(stack)!;
}

export const ofType = (plan: StackPlan, type: string): RecordedResource[] => plan.resources.filter((r) => r.type === type);
export const named = (plan: StackPlan, type: string, name: string): RecordedResource => {
  const found = plan.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name} in the ${plan.stack} plan`);
  return found;
};
