import { StackValidationPolicy } from "@pulumi/policy";
import { formatUsd as usd, priceResources } from "../infra/cost/model";
import { manifestOrNotApplicable } from "./manifest";

function priceStack(resources: Parameters<StackValidationPolicy["validateStack"]>[0]["resources"]) {
  return priceResources(resources.map((r) => ({ urn: r.urn, type: r.type, inputs: r.props })));
}

/** The stack's expected monthly cost stays within `llm-platform:budgetUsdPerMonth`. */
export const costWithinBudget: StackValidationPolicy = {
  name: "cost-within-budget",
  description: "The expected monthly cost (node pools at their desired size) must not exceed llm-platform:budgetUsdPerMonth.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const manifest = manifestOrNotApplicable(args);
    const cost = priceStack(args.resources);
    const budget = manifest.budgetUsdPerMonth;
    if (cost.monthly.expected > budget) {
      const largest = [...cost.lines].sort((a, b) => b.monthly.expected - a.monthly.expected).slice(0, 3);
      reportViolation(
        `expected monthly cost ${usd(cost.monthly.expected)} exceeds llm-platform:budgetUsdPerMonth ${usd(budget)} ` +
          `(min ${usd(cost.monthly.min)}, max ${usd(cost.monthly.max)}); largest: ` +
          largest.map((l) => `${l.urn.split("::").pop()} ${usd(l.monthly.expected)}`).join(", ") +
          `. Lower desiredNodes or pick smaller instance types, or raise the budget.`,
      );
    }
  },
};

/** Advisory: some resources have no price, so the cost (and the budget check) is a lower bound. */
export const costFullyPriced: StackValidationPolicy = {
  name: "cost-fully-priced",
  description: "Every billed resource has a price in the cost model; otherwise the monthly cost is a lower bound.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const cost = priceStack(args.resources);
    if (cost.unpriced.length > 0) {
      reportViolation(`${cost.unpriced.length} resource(s) have no price, so ${usd(cost.monthly.expected)}/month is a lower bound: ${cost.unpriced.map((u) => u.split("::").pop()).join(", ")}`);
    }
  },
};

/** Advisory: at every pool's maxNodes the platform would exceed the budget. */
export const costAtMaxWithinBudget: StackValidationPolicy = {
  name: "cost-at-max-within-budget",
  description: "At maximum node counts the monthly cost would exceed llm-platform:budgetUsdPerMonth (autoscaling can spend it).",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const manifest = manifestOrNotApplicable(args);
    const cost = priceStack(args.resources);
    if (cost.monthly.max > manifest.budgetUsdPerMonth) {
      reportViolation(`at every pool's maxNodes the monthly cost would be ${usd(cost.monthly.max)}, over the ${usd(manifest.budgetUsdPerMonth)} budget; GPU quotas (Kueue) or lower maxNodes cap it`);
    }
  },
};
