/**
 * Label selectors: parsing (with Kubernetes validation rules) and matching. Matching follows
 * metav1.LabelSelector: matchLabels and every matchExpression must hold; an empty selector
 * matches everything (K-API, networking/v1 types.go podSelector doc).
 */
import {DNS_SUBDOMAIN} from './names';
import type {Val} from './reader';
import type {Labels, Selector} from './types';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** Name part of a label key and a label value (K-API validation IsQualifiedName / IsValidLabelValue). */
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** The prefix of the identity labels Cilium makes from a pod's namespace labels. */
export const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';
/** A Cilium selector key may start with the label's source: `k8s:`, `any:`, `reserved:`... */
const CILIUM_SOURCE = /^[a-z][a-z0-9-]*:/;

/** Which label syntax a key follows: Kubernetes, or Cilium (an optional `source:` prefix first). */
export type LabelSyntax = 'k8s' | 'cilium';

/**
 * Why `key` is not a valid label key, or undefined when it is: what the API server checks of
 * every label and selector key (K-API IsQualifiedName). For Cilium the source prefix is set aside
 * first; Cilium's CRD does not check keys, but a key that is not a valid Kubernetes label key can
 * never match a pod's or namespace's label (the API server refuses those), so it is a mistake.
 */
export function labelKeyProblem(key: string, syntax: LabelSyntax = 'k8s'): string | undefined {
  let bare = syntax === 'cilium' ? key.replace(CILIUM_SOURCE, '') : key;
  // Cilium writes a namespace's labels into identities as io.cilium.k8s.namespace.labels.<key>
  // (pkg/k8s/apis/cilium.io const PodNamespaceMetaLabels): what must be a valid label key is the
  // namespace's <key>, however long the whole string gets.
  if (syntax === 'cilium' && bare.startsWith(NAMESPACE_LABELS_PREFIX)) bare = bare.slice(NAMESPACE_LABELS_PREFIX.length);
  const slash = bare.lastIndexOf('/');
  const prefix = slash >= 0 ? bare.slice(0, slash) : undefined;
  const name = slash >= 0 ? bare.slice(slash + 1) : bare;
  const valid = name.length <= 63 && LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
  if (valid) return undefined;
  return (
    `"${key}" is not a valid label key; a key is a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, ` +
    `optionally after a DNS subdomain prefix and "/" (e.g. app, app.kubernetes.io/name)` +
    (syntax === 'cilium' ? ', and in a Cilium selector optionally after a source such as "k8s:"' : '')
  );
}

/** Why `value` is not a valid label value (K-API IsValidLabelValue), or undefined when it is. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '' || (value.length <= 63 && LABEL_NAME.test(value))) return undefined;
  return `"${value}" is not a valid label value; a value is empty or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit`;
}

/** The checks of a label map (labels, matchLabels) for Val.stringMap. */
export function labelChecks(syntax: LabelSyntax = 'k8s') {
  return {key: (k: string) => labelKeyProblem(k, syntax), value: labelValueProblem};
}

/** The selector that matches everything. */
export const EVERYTHING: Selector = Object.freeze({matchLabels: Object.freeze({}), matchExpressions: Object.freeze([])}) as unknown as Selector;

/** Reads a LabelSelector; unknown fields and bad operators are errors. */
export function readSelector(v: Val, what: string, syntax: LabelSyntax = 'k8s'): Selector | undefined {
  if (v.absent) return EVERYTHING;
  const f = v.fields(['matchLabels', 'matchExpressions'], what);
  if (!f) return undefined;
  const matchLabels = f.get('matchLabels').stringMap('labels to match', labelChecks(syntax)) ?? {};
  const matchExpressions: Selector['matchExpressions'] = [];
  for (const e of f.get('matchExpressions').items('label requirements') ?? []) {
    const ef = e.fields(['key', 'operator', 'values'], 'a label requirement');
    if (!ef) continue;
    const keyVal = ef.require('key', 'the label key');
    let key = keyVal?.string('a label key');
    const keyProblem = key === undefined ? undefined : labelKeyProblem(key, syntax);
    if (keyProblem) key = keyVal!.fail('invalid-label', `${keyVal!.path} ${keyProblem}`);
    const operator = ef.require('operator', 'In, NotIn, Exists or DoesNotExist')?.oneOf(OPERATORS, 'operator');
    const valuesVal = ef.get('values');
    let valuesOk = true;
    const values = (valuesVal.items('label values') ?? []).map((x) => {
      const value = x.string('a label value');
      const problem = value === undefined ? undefined : labelValueProblem(value);
      if (problem) valuesOk = !!x.fail('invalid-label', `${x.path} ${problem}`);
      return value ?? '';
    });
    if (key === undefined || operator === undefined || !valuesOk) continue;
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      e.fail('invalid-selector', `${e.path} uses operator ${operator} with no values; list at least one value, or use Exists/DoesNotExist`);
      continue;
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
      valuesVal.fail('invalid-selector', `${valuesVal.path} must be empty with operator ${operator}; remove the values or use In/NotIn`);
      continue;
    }
    matchExpressions.push({key, operator, values});
  }
  return {matchLabels, matchExpressions};
}

/** True when `labels` satisfy the selector. */
export function matches(selector: Selector, labels: Labels): boolean {
  for (const key in selector.matchLabels) {
    if (labels[key] !== selector.matchLabels[key]) return false;
  }
  for (const e of selector.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && e.values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** True for `{}`: matches everything. */
export function isEmptySelector(s: Selector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

/** Every key a selector mentions. */
export function selectorKeys(s: Selector): string[] {
  return [...Object.keys(s.matchLabels), ...s.matchExpressions.map((e) => e.key)];
}

/**
 * Cilium label keys carry a source prefix (`k8s:`, `any:`, `reserved:`...); `any:` and no prefix
 * match any source (Cilium docs: `org: empire` is stored as `any:org`). The engine stores pod
 * identity labels without prefix and reserved identities as `reserved:<name>`, so `k8s:` and
 * `any:` prefixes are dropped and `reserved:` kept.
 */
export function normaliseCiliumKey(key: string): string {
  if (key.startsWith('k8s:')) return key.slice(4);
  if (key.startsWith('any:')) return key.slice(4);
  return key;
}

/** Applies normaliseCiliumKey to every key of a selector. */
export function normaliseCiliumSelector(s: Selector): Selector {
  const matchLabels: Labels = {};
  for (const [k, v] of Object.entries(s.matchLabels)) matchLabels[normaliseCiliumKey(k)] = v;
  return {matchLabels, matchExpressions: s.matchExpressions.map((e) => ({...e, key: normaliseCiliumKey(e.key)}))};
}

/** Renders a selector compactly for explanations: `{org=empire, class in (a,b)}`. */
export function formatSelector(s: Selector): string {
  const parts = [
    ...Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`),
    ...s.matchExpressions.map((e) =>
      e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${e.values.join(',')})`,
    ),
  ];
  return `{${parts.join(', ')}}`;
}
