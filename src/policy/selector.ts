/**
 * Label selectors: parsing (with Kubernetes validation rules) and matching. Matching follows
 * metav1.LabelSelector: matchLabels and every matchExpression must hold; an empty selector
 * matches everything (K-API, networking/v1 types.go podSelector doc).
 */
import type {Val} from './reader';
import type {Labels, Selector} from './types';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** The selector that matches everything. */
export const EVERYTHING: Selector = {matchLabels: {}, matchExpressions: []};

/** Reads a LabelSelector; unknown fields and bad operators are errors. */
export function readSelector(v: Val, what: string): Selector | undefined {
  if (v.absent) return {matchLabels: {}, matchExpressions: []};
  const f = v.fields(['matchLabels', 'matchExpressions'], what);
  if (!f) return undefined;
  const matchLabels = f.get('matchLabels').stringMap('labels to match') ?? {};
  const matchExpressions: Selector['matchExpressions'] = [];
  for (const e of f.get('matchExpressions').items('label requirements') ?? []) {
    const ef = e.fields(['key', 'operator', 'values'], 'a label requirement');
    if (!ef) continue;
    const key = ef.require('key', 'the label key')?.string('a label key');
    const operator = ef.require('operator', 'In, NotIn, Exists or DoesNotExist')?.oneOf(OPERATORS, 'operator');
    const valuesVal = ef.get('values');
    const values = (valuesVal.items('label values') ?? []).map((x) => x.string('a label value') ?? '');
    if (key === undefined || operator === undefined) continue;
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
