/**
 * Cilium's default identity-relevant label filter: which labels of a pod (and of its namespace,
 * as io.cilium.k8s.namespace.labels.<key>) become part of its security identity. Selectors of
 * Cilium policies match identities, so a label left out here can never be selected on the cilium
 * datapath. Source: cilium/cilium pkg/labelsfilter/filter.go defaultLabelPrefixCfg and filterLabels;
 * Documentation/operations/performance/scalability/identity-relevant-labels.rst.
 */

/** One default prefix rule: a regular expression matched at the start of the key. */
interface PrefixRule {
  expr: RegExp;
  ignore: boolean;
}

const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const DEFAULT_RULES: PrefixRule[] = [
  // Kept: the pod's namespace, its namespace's labels, app.kubernetes.io, the cluster name.
  ...['io.kubernetes.pod.namespace', 'io.cilium.k8s.namespace.labels', 'app.kubernetes.io', 'io.cilium.k8s.policy.cluster'].map((p) => ({expr: new RegExp(quote(p)), ignore: false})),
  // Left out: every other io.kubernetes, kubernetes.io and k8s.io label, the labels controllers
  // add to tell pod generations apart, annotations.
  ...[
    'io\\.kubernetes',
    'kubernetes\\.io',
    quote('statefulset.kubernetes.io/pod-name'),
    quote('apps.kubernetes.io/pod-index'),
    quote('batch.kubernetes.io/job-completion-index'),
    '.*beta\\.kubernetes\\.io',
    'k8s\\.io',
    'pod-template-generation',
    'pod-template-hash',
    'controller-revision-hash',
    'annotation.*',
    'etcd_node',
  ].map((p) => ({expr: new RegExp(p), ignore: true})),
];

/** Answers so far, by key: a cluster repeats the same few keys on every pod. */
const known = new Map<string, boolean>();

/** Whether a label key (without source prefix) is part of a security identity under Cilium's defaults. */
export function isIdentityLabel(key: string): boolean {
  let answer = known.get(key);
  if (answer === undefined) known.set(key, (answer = decide(key)));
  return answer;
}

function decide(key: string): boolean {
  let included = 0;
  let ignored = 0;
  for (const rule of DEFAULT_RULES) {
    const m = rule.expr.exec(key);
    // filter.go LabelPrefix.matches: a match counts only when it starts at the key's first character.
    if (!m || m.index !== 0) continue;
    const length = m[0].length;
    if (rule.ignore) {
      if (ignored === 0 || length < ignored) ignored = length;
    } else if (length > included) included = length;
  }
  // "accepted if no inclusive prefix is configured [by the user] and the label is not ignored, or
  // an inclusive prefix matches a longer section than the ignore" (filterLabels).
  return ignored === 0 || included > ignored;
}

/** The identity-relevant labels of a label map. */
export function identityLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in labels) if (isIdentityLabel(key)) out[key] = labels[key];
  return out;
}
