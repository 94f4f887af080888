/**
 * The cluster as the engine sees it: defaults filled in (IPs, nodes, service accounts), Cilium
 * identity labels synthesised, lookups by name and IP. Tolerant by design: parseScenario reports
 * bad references with positions; a programmatic caller gets sensible defaults instead.
 */
import {canonicalIp} from './cidr';
import {identityLabels, isIdentityLabel} from './identity-labels';
import {matches, NAMESPACE_LABELS_PREFIX} from './selector';
import type {Cluster, ExternalAddress, L4Protocol, Labels, Service} from './types';

/** A pod with everything resolved. */
export interface PodInfo {
  index: number;
  /** `namespace/name`. */
  key: string;
  namespace: string;
  name: string;
  labels: Labels;
  /** Cilium security identity labels (pod labels plus namespace, service account, cluster, namespace labels). */
  identity: Labels;
  ip: string;
  node: NodeInfo;
  serviceAccount: string;
  hostNetwork: boolean;
  /** Container port name -> ports with that name (names are unique per pod in practice). */
  namedPorts: Map<string, {port: number; protocol: L4Protocol}>;
}

/** A node with its IP. */
export interface NodeInfo {
  name: string;
  ip: string;
  labels: Labels;
}

/** A Service with its resolved ClusterIP and backends (sorted by name). */
export interface ServiceInfo {
  key: string;
  service: Service;
  clusterIP: string;
  backends: PodInfo[];
}

/** Lookups over the cluster. */
export interface ClusterIndex {
  name: string;
  pods: PodInfo[];
  podByKey: Map<string, PodInfo>;
  podByIp: Map<string, PodInfo>;
  nodes: NodeInfo[];
  nodeByName: Map<string, NodeInfo>;
  nodeByIp: Map<string, NodeInfo>;
  services: ServiceInfo[];
  serviceByKey: Map<string, ServiceInfo>;
  serviceByIp: Map<string, ServiceInfo>;
  /** Namespace name -> labels, including the implied kubernetes.io/metadata.name. */
  namespaces: Map<string, Labels>;
  /** Outside addresses with a reserved identity of their own (cluster.external), by canonical IP. */
  externalByIp: Map<string, ExternalAddress['identity']>;
}

/** Cilium's identity label keys (C-UTIL constants; `cilium endpoint list` in demo.rst). */
export const IDENTITY_KEYS = {
  namespace: 'io.kubernetes.pod.namespace',
  serviceAccount: 'io.cilium.k8s.policy.serviceaccount',
  cluster: 'io.cilium.k8s.policy.cluster',
  namespaceLabels: NAMESPACE_LABELS_PREFIX,
} as const;

/** Deterministic address allocator that skips addresses already taken. */
function allocator(prefix: [number, number], start: number, used: Set<string>): () => string {
  let n = start;
  return () => {
    for (;;) {
      const ip = `${prefix[0]}.${prefix[1]}.${Math.floor(n / 256)}.${n % 256}`;
      n++;
      if (n % 256 === 0 || n % 256 === 255) n++;
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
  };
}

/** Builds the index, filling defaults: nodes 172.18.0.x, pods 10.244.x.y, services 10.96.x.y. */
export function indexCluster(cluster: Cluster): ClusterIndex {
  const used = new Set<string>();
  for (const n of cluster.nodes ?? []) if (n.ip) used.add(canonicalIp(n.ip) ?? n.ip);
  for (const p of cluster.pods) if (p.ip) used.add(canonicalIp(p.ip) ?? p.ip);
  for (const s of cluster.services ?? []) if (s.clusterIP) used.add(canonicalIp(s.clusterIP) ?? s.clusterIP);

  const nextNodeIp = allocator([172, 18], 2, used);
  const nodes: NodeInfo[] = (cluster.nodes ?? []).map((n) => ({name: n.name, ip: n.ip ? canonicalIp(n.ip) ?? n.ip : nextNodeIp(), labels: n.labels ?? {}}));
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const nodeFor = (name: string | undefined): NodeInfo => {
    if (name === undefined) {
      if (nodes.length === 0) addNode('node-1');
      return nodes[0];
    }
    return nodeByName.get(name) ?? addNode(name);
  };
  function addNode(name: string): NodeInfo {
    const n = {name, ip: nextNodeIp(), labels: {}};
    nodes.push(n);
    nodeByName.set(name, n);
    return n;
  }

  const namespaces = new Map<string, Labels>();
  const nsLabels = (name: string): Labels => {
    let labels = namespaces.get(name);
    if (!labels) {
      // The control plane sets kubernetes.io/metadata.name on every namespace (K-DOC).
      labels = {'kubernetes.io/metadata.name': name};
      namespaces.set(name, labels);
    }
    return labels;
  };
  for (const ns of cluster.namespaces) namespaces.set(ns.name, {...(ns.labels ?? {}), 'kubernetes.io/metadata.name': ns.name});

  // The identity labels a pod takes from its namespace, made (and filtered) once per namespace:
  // copying an object's properties is several times faster than adding computed keys to each pod's.
  const namespaceIdentities = new Map<string, Labels>();
  const namespaceIdentity = (name: string): Labels => {
    let part = namespaceIdentities.get(name);
    if (!part) {
      part = {};
      for (const [k, v] of Object.entries(nsLabels(name))) part[IDENTITY_KEYS.namespaceLabels + k] = v;
      part[IDENTITY_KEYS.namespace] = name;
      part = identityLabels(part);
      namespaceIdentities.set(name, part);
    }
    return part;
  };
  const clusterName = cluster.name ?? 'default';
  const nextPodIp = allocator([10, 244], 2, used);
  const pods: PodInfo[] = cluster.pods.map((p, index) => {
    const node = nodeFor(p.node);
    const hostNetwork = p.hostNetwork ?? false;
    const labels = p.labels ?? {};
    const serviceAccount = p.serviceAccount ?? 'default';
    // Only identity-relevant labels are part of the identity that Cilium selectors match: the
    // pod's own, then those of its namespace, service account and cluster, which win over a pod
    // label with the same key. Each part is filtered on its own rather than all of them merged
    // into one object first: one object per pod fewer, on clusters of thousands of pods.
    const identity: Labels = identityLabels(labels);
    Object.assign(identity, namespaceIdentity(p.namespace));
    if (isIdentityLabel(IDENTITY_KEYS.serviceAccount)) identity[IDENTITY_KEYS.serviceAccount] = serviceAccount;
    if (isIdentityLabel(IDENTITY_KEYS.cluster)) identity[IDENTITY_KEYS.cluster] = clusterName;
    const namedPorts = new Map<string, {port: number; protocol: L4Protocol}>();
    for (const c of p.containers ?? []) {
      for (const cp of c.ports ?? []) if (cp.name) namedPorts.set(cp.name, {port: cp.containerPort, protocol: cp.protocol ?? 'TCP'});
    }
    return {
      index,
      key: `${p.namespace}/${p.name}`,
      namespace: p.namespace,
      name: p.name,
      labels,
      identity,
      // Host-network pods share their node's address.
      ip: hostNetwork ? node.ip : p.ip ? canonicalIp(p.ip) ?? p.ip : nextPodIp(),
      node,
      serviceAccount,
      hostNetwork,
      namedPorts,
    };
  });
  const podByKey = new Map(pods.map((p) => [p.key, p]));
  const podByIp = new Map(pods.filter((p) => !p.hostNetwork).map((p) => [p.ip, p]));

  const nextServiceIp = allocator([10, 96], 10, used);
  const services: ServiceInfo[] = (cluster.services ?? []).map((s) => {
    const selector = s.selector ?? {};
    // A Service without a selector has no pod backends here (its EndpointSlices are not modelled).
    const backends =
      Object.keys(selector).length === 0
        ? []
        : pods.filter((p) => p.namespace === s.namespace && matches({matchLabels: selector, matchExpressions: []}, p.labels)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return {key: `${s.namespace}/${s.name}`, service: s, clusterIP: s.clusterIP ? canonicalIp(s.clusterIP) ?? s.clusterIP : nextServiceIp(), backends};
  });
  return {
    name: clusterName,
    pods,
    podByKey,
    podByIp,
    nodes,
    nodeByName,
    nodeByIp: new Map(nodes.map((n) => [n.ip, n])),
    services,
    serviceByKey: new Map(services.map((s) => [s.key, s])),
    serviceByIp: new Map(services.map((s) => [s.clusterIP, s])),
    namespaces,
    externalByIp: new Map((cluster.external ?? []).map((x) => [canonicalIp(x.ip) ?? x.ip, x.identity])),
  };
}
