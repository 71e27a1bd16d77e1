/**
 * What a compatibility finding is and how sure it is. Every fact in the matrix carries one of these
 * kinds; policies map kinds to enforcement, the plan shows them (docs/compatibility.md).
 */

/**
 * - `broken`: a documented failure (release notes, a requirement pin, a removed API): refused.
 * - `limited`: documented to run with a stated limitation (CUDA minor-version compatibility without
 *   PTX JIT; a GPU that vLLM serves without FlashAttention): advice.
 * - `untested`: outside what upstream tested (DeepSpeed's CI, a board requirement we could not
 *   re-read): advice, never a refusal.
 * - `unknown`: newer than (or missing from) the matrix; the rules known by number still apply: advice
 *   that the matrix is behind.
 * - `end-of-life`: the driver branch gets no security fixes any more (NVIDIA's lifecycle): advice.
 */
export type FactKind = "broken" | "limited" | "untested" | "unknown" | "end-of-life";

export const FACT_KINDS: readonly FactKind[] = ["broken", "limited", "untested", "unknown", "end-of-life"];

/** Only a documented breakage refuses a stack. */
const severityOf = (kind: FactKind): "mandatory" | "advisory" => (kind === "broken" ? "mandatory" : "advisory");

export interface Finding<Rule extends string = string> {
  readonly rule: Rule;
  readonly kind: FactKind;
  readonly severity: "mandatory" | "advisory";
  readonly message: string;
}

export const finding = <Rule extends string>(rule: Rule, kind: FactKind, message: string): Finding<Rule> => ({ rule, kind, severity: severityOf(kind), message });
