import { planStack, StackPlan } from "../../infra/plan/plan";
import { RecordedResource } from "../../infra/plan/record";
import { PROJECT_DIR } from "./stacks";

const cache = new Map<string, Promise<StackPlan>>();

/** The offline plan of a reference stack (the real program under the mock engine), run once per file. */
export function referencePlan(stack: string): Promise<StackPlan> {
  if (!cache.has(stack)) {
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
