/**
 * Kubernetes label selectors (pure): whether a set of labels matches a LabelSelector
 * (apimachinery pkg/apis/meta/v1 LabelSelector: matchLabels and matchExpressions are ANDed;
 * operators In, NotIn, Exists, DoesNotExist; an empty selector matches everything).
 */

export interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** The label the API server sets on every Namespace to its name (NamespaceDefaultLabelName, GA in Kubernetes 1.22). */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** The selector of one namespace by name (NetworkPolicy peers, Kueue's ClusterQueue scope). */
export const namespaceNamed = (name: string) => ({ matchLabels: { [NAMESPACE_NAME_LABEL]: name } });

export function selectorMatches(selector: LabelSelectorLike | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return false; // a nil selector selects nothing (LabelSelectorAsSelector returns labels.Nothing())
  const has = (key: string) => Object.prototype.hasOwnProperty.call(labels, key);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    switch (operator) {
      case "In":
        if (!has(key) || !values.includes(labels[key])) return false;
        break;
      case "NotIn":
        if (has(key) && values.includes(labels[key])) return false;
        break;
      case "Exists":
        if (!has(key)) return false;
        break;
      case "DoesNotExist":
        if (has(key)) return false;
        break;
      default:
        return false; // an unknown operator is invalid: the API server would refuse the selector
    }
  }
  return true;
}

/** A Namespace's labels as selectors see them: its own plus the name label the API server adds. */
export const namespaceLabels = (ns: { metadata?: { name?: string; labels?: Record<string, string> } }): Record<string, string> => ({
  ...(ns.metadata?.labels ?? {}),
  ...(ns.metadata?.name ? { [NAMESPACE_NAME_LABEL]: ns.metadata.name } : {}),
});
