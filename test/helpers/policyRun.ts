import type { RecordedResource } from "../../infra/plan/record";
import { runPolicies } from "../../policies/run";
import { referencePlan } from "./plan";

type Policy = Parameters<typeof runPolicies>[0][number];

/** A reference stack's recorded resources, copied, with a defect put back by `edit`. */
export async function planWith(stack: string, edit: (resources: RecordedResource[]) => void = () => undefined): Promise<RecordedResource[]> {
  const resources = structuredClone((await referencePlan(stack)).resources) as RecordedResource[];
  edit(resources);
  return resources;
}

/** What one policy reports over the resources, as "<enforcement>: <message>". */
export const messages = async (policy: Policy, resources: RecordedResource[]) => (await runPolicies([policy], resources)).violations.map((v) => `${v.enforcement}: ${v.message}`);

export const inputs = (r: RecordedResource) => r.inputs as any;

export const byName = (rs: RecordedResource[], type: string, name: string) => {
  const found = rs.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};
