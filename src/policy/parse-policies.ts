/**
 * Policy objects from YAML: dispatch on kind, common metadata checks, positions. Other kinds
 * (Namespace, Deployment, Service, Pod, ...) are returned in `others`, never reported as errors,
 * so a lab's app manifests and policies can be fed through the same function.
 */
import {readNetworkPolicySpec} from './parse-k8s';
import {readCiliumPolicy, type AgentOptions} from './parse-cilium';
import {closest} from './errors';
import {DNS_LABEL, DNS_SUBDOMAIN} from './names';
import {EVERYTHING, labelChecks} from './selector';
import {readDocuments, Val} from './reader';
import type {OtherObject, PolicyError, PolicyKind, PolicyObject} from './types';

const API_VERSIONS: Record<PolicyKind, string> = {
  NetworkPolicy: 'networking.k8s.io/v1',
  CiliumNetworkPolicy: 'cilium.io/v2',
  CiliumClusterwideNetworkPolicy: 'cilium.io/v2',
};

const METADATA_FIELDS = [
  'name', 'namespace', 'labels', 'annotations', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'managedFields', 'finalizers', 'ownerReferences', 'generateName', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink',
];


/** Options for reading policies. */
export interface ReadPolicyOptions {
  /** Namespace for namespaced policies without metadata.namespace (what `kubectl apply` uses): default `default`. */
  defaultNamespace?: string;
  /**
   * Refuse a namespaced policy without metadata.namespace (scenarios: there is no current
   * context to take it from, and a made-up default namespace is one the cluster may not have).
   */
  requireNamespace?: boolean;
  /** The namespaces that exist: a namespaced policy elsewhere is refused, as the API server refuses it. */
  namespaces?: readonly string[];
  /** Agent options that change what Cilium accepts (a scenario's options). */
  agent?: AgentOptions;
}

/**
 * Parses a multi-document YAML (or a JSON object) of NetworkPolicy, CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy objects, keeping positions; a `kind: List` document stands for
 * its items. Documents of other kinds are
 * returned in `others` without error; empty documents are skipped. Every problem found is
 * reported (not just the first), and valid policies are returned even when others fail.
 */
export function parsePolicyDocuments(
  text: string,
  file: string,
  options: ReadPolicyOptions = {},
): {policies: PolicyObject[]; others: OtherObject[]; errors: PolicyError[]} {
  const errors: PolicyError[] = [];
  const policies: PolicyObject[] = [];
  const others: OtherObject[] = [];
  const {ctx, docs} = readDocuments(text, file, errors);
  for (const doc of docs) {
    if (doc.errors.length > 0) continue;
    const root = Val.root(ctx, doc);
    if (root.absent) continue;
    const list = listItems(root);
    for (const object of list?.items ?? [root]) {
      const result = readObject(object, options, list?.inherited);
      if (result?.policy) policies.push(result.policy);
      if (result?.other) others.push(result.other);
    }
  }
  return {policies, others, errors};
}

/**
 * The objects of a list document, or undefined for any other document. `kubectl get` prints
 * several objects as one `kind: List`, and `kubectl apply` takes such a list as its items, so a
 * dump of a cluster's policies can be read as it is. A typed list from the API
 * (NetworkPolicyList, `kubectl get --raw`) leaves kind and apiVersion out of its items: they are
 * the list's, less "List". A kind that merely ends in "List" without a list of items is no list.
 */
function listItems(root: Val): {items: Val[]; inherited?: Inherited} | undefined {
  const kind = topLevelJS(root, 'kind');
  if (typeof kind !== 'string' || !kind.endsWith('List')) return undefined;
  if (kind !== 'List' && !topLevelField(root, 'items')?.isSeq) return undefined;
  const list = root.fields(['apiVersion', 'kind', 'metadata', 'items'], `a ${kind}: apiVersion, kind, metadata, items`);
  const items = list?.get('items').items('the objects of the list') ?? [];
  const apiVersion = topLevelJS(root, 'apiVersion');
  return {items, ...(kind !== 'List' && typeof apiVersion === 'string' ? {inherited: {kind: kind.slice(0, -'List'.length), apiVersion}} : {})};
}

/** What the items of a typed list take from it when they leave it out. */
interface Inherited {
  kind: string;
  apiVersion: string;
}

/** Reads one object (a policy, or another kind returned as `other`). Errors go to the context. */
export function readObject(root: Val, options: ReadPolicyOptions = {}, inherited?: Inherited): {policy?: PolicyObject; other?: OtherObject} | undefined {
  if (!root.isMap) return root.fail('not-an-object', `a document must be a Kubernetes object (a mapping with apiVersion, kind, metadata and spec), not ${root.describe()}`);
  // kind and apiVersion as root.toJS() would give them, without converting the whole object
  // (only other kinds need it, for `object`).
  const kind = topLevelJS(root, 'kind') ?? inherited?.kind;
  if (typeof kind !== 'string') return root.fail('missing-field', 'this object has no kind; add one, e.g. "kind: CiliumNetworkPolicy"');
  const peekApiVersion = topLevelJS(root, 'apiVersion') ?? inherited?.apiVersion;
  if (typeof peekApiVersion !== 'string') return root.fail('missing-field', `this ${kind} has no apiVersion; add one, e.g. "apiVersion: ${API_VERSIONS[kind as PolicyKind] ?? 'v1'}"`);
  if (!(kind in API_VERSIONS)) {
    const peek = root.toJS() as Record<string, unknown>;
    const meta = (peek.metadata ?? {}) as Record<string, unknown>;
    return {
      other: {
        apiVersion: peekApiVersion,
        kind,
        name: String(meta.name ?? ''),
        ...(typeof meta.namespace === 'string' ? {namespace: meta.namespace} : {}),
        object: peek,
        source: root.pos,
      },
    };
  }
  const policyKind = kind as PolicyKind;
  const clusterwide = policyKind === 'CiliumClusterwideNetworkPolicy';
  const top = root.fields(
    policyKind === 'NetworkPolicy' ? ['apiVersion', 'kind', 'metadata', 'spec', 'status'] : ['apiVersion', 'kind', 'metadata', 'spec', 'specs', 'status'],
    `a ${policyKind}`,
  );
  if (!top) return undefined;
  const apiVersion = top.get('apiVersion');
  if ((apiVersion.absent ? inherited?.apiVersion : apiVersion.scalar()) !== API_VERSIONS[policyKind]) {
    return apiVersion.fail('wrong-api-version', `apiVersion of a ${policyKind} must be "${API_VERSIONS[policyKind]}", not ${apiVersion.describe()}`);
  }
  const metaVal = top.require('metadata', 'at least a name');
  const meta = metaVal?.fields(METADATA_FIELDS, 'object metadata');
  if (!meta) return undefined;
  const nameVal = meta.require('name', 'the policy name');
  const name = nameVal?.string('a name');
  if (name === undefined) return undefined;
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    return nameVal!.fail('invalid-name', `metadata.name "${name}" is not a valid name; use lower-case letters, digits, "-" and "."`);
  }
  meta.get('labels').stringMap('labels', labelChecks());
  meta.get('annotations').stringMap('annotations');
  let namespace: string | undefined;
  const nsVal = meta.get('namespace');
  if (clusterwide) {
    if (!nsVal.absent) return nsVal.fail('namespace-on-clusterwide', 'a CiliumClusterwideNetworkPolicy is not namespaced; remove metadata.namespace');
  } else {
    if (options.requireNamespace && nsVal.absent) {
      return metaVal!.fail('missing-field', `${metaVal!.path || 'metadata'} needs a "namespace" field: a ${policyKind} is in force in one namespace, and a scenario has no current namespace to put it in`);
    }
    namespace = nsVal.string('a namespace') ?? options.defaultNamespace ?? 'default';
    if (!DNS_LABEL.test(namespace)) return nsVal.fail('invalid-name', `metadata.namespace "${namespace}" is not a valid namespace name; use lower-case letters, digits and "-"`);
    if (options.namespaces && !options.namespaces.includes(namespace)) {
      const hint = closest(namespace, options.namespaces);
      return nsVal.fail('unknown-namespace', `namespace "${namespace}" is not listed under cluster.namespaces; ${hint ? `did you mean "${hint}"?` : `add {name: ${namespace}} there`}`);
    }
  }
  const errorsBefore = root.ctx.errors.length;
  let rules;
  if (policyKind === 'NetworkPolicy') {
    const spec = top.get('spec');
    // An absent spec is an empty podSelector with defaulted policyTypes [Ingress]: every pod of the
    // namespace isolated for ingress.
    rules = spec.absent ? readNetworkPolicySpecEmpty(root, namespace!) : readNetworkPolicySpec(spec, namespace!);
  } else {
    rules = readCiliumPolicy(top, clusterwide, namespace, options.agent);
  }
  // A policy with errors is not returned: the API server (or Cilium) would not accept it at all.
  if (root.ctx.errors.length > errorsBefore) return undefined;
  return {policy: {kind: policyKind, name, ...(namespace !== undefined ? {namespace} : {}), source: root.pos, rules}};
}

/**
 * The plain value of a top-level field of a mapping, as `root.toJS()[name]` gives it: the last
 * pair whose key reads as `name` (only scalar keys can).
 */
function topLevelJS(root: Val, name: string): unknown {
  return topLevelField(root, name)?.toJS();
}

/** The value of a top-level field of a mapping: the last pair whose key reads as `name`. */
function topLevelField(root: Val, name: string): Val | undefined {
  let found: Val | undefined;
  for (const entry of root.entries()) if (entry.name === name) found = entry.value;
  return found;
}

function readNetworkPolicySpecEmpty(root: Val, namespace: string) {
  return [
    {
      direction: 'ingress' as const,
      action: 'allow' as const,
      label: 'policyTypes',
      source: root.pos,
      subject: {namespace, selector: EVERYTHING, on: 'pod-labels' as const},
      defaultDeny: true,
      peers: [],
      l4: null,
    },
  ];
}
