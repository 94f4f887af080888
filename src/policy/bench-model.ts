/**
 * The benchmark's generated cluster (issue 3 "Speed"): 1,000 pods in 50 namespaces and 500 mixed
 * policies (NetworkPolicy, CiliumNetworkPolicy with L7 and deny rules, clusterwide policies),
 * written as YAML so the benchmark also pays for parsing. Deterministic for a given seed.
 */
import type {Cluster, Pod} from './types';

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same model. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sizes of the generated model. */
export interface BenchSize {
  namespaces: number;
  podsPerNamespace: number;
  policies: number;
}

/** The issue's target: 50 x 20 pods, 500 policies. */
export const BENCH_SIZE: BenchSize = {namespaces: 50, podsPerNamespace: 20, policies: 500};

/** Generates the cluster and the policy YAML. */
export function benchModel(size: BenchSize = BENCH_SIZE, seed = 1): {cluster: Cluster; policyYaml: string} {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const apps = ['web', 'api', 'db', 'cache', 'queue', 'auth', 'search', 'billing', 'mail', 'metrics'];
  const tiers = ['frontend', 'backend', 'data'];
  const namespaces = Array.from({length: size.namespaces}, (_, i) => ({name: `ns-${i}`, labels: {team: `team-${i % 7}`, env: i % 2 ? 'prod' : 'dev'}}));
  const nodes = Array.from({length: 10}, (_, i) => ({name: `node-${i}`}));
  const pods: Pod[] = [];
  for (const ns of namespaces) {
    for (let j = 0; j < size.podsPerNamespace; j++) {
      pods.push({
        namespace: ns.name,
        name: `pod-${j}`,
        labels: {app: apps[j % apps.length], tier: tiers[j % tiers.length], 'pod-index': String(j)},
        node: nodes[j % nodes.length].name,
        containers: [{name: 'c', ports: [{name: 'http', containerPort: 80, protocol: 'TCP'}, {name: 'metrics', containerPort: 9090, protocol: 'TCP'}]}],
      });
    }
  }
  const docs: string[] = [];
  for (let i = 0; i < size.policies; i++) {
    const ns = pick(namespaces).name;
    const app = pick(apps);
    const from = pick(apps);
    const kind = i % 10;
    if (kind < 5) {
      docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np-${i}, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {app: ${app}}}
  policyTypes: [Ingress${i % 3 === 0 ? ', Egress' : ''}]
  ingress:
  - from:
    - podSelector: {matchLabels: {app: ${from}}}
    - namespaceSelector: {matchLabels: {team: team-${i % 7}}}
      podSelector: {matchExpressions: [{key: tier, operator: In, values: [${pick(tiers)}, ${pick(tiers)}]}]}
    ports: [{port: ${i % 2 ? 80 : '"http"'}}, {port: 9000, endPort: 9100}]
${i % 3 === 0 ? `  egress:\n  - to:\n    - namespaceSelector: {matchLabels: {env: ${pick(['prod', 'dev'])}}}\n    - ipBlock: {cidr: 10.0.0.0/8, except: [10.96.0.0/12]}\n` : ''}`);
    } else if (kind < 8) {
      docs.push(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cnp-${i}, namespace: ${ns}}
spec:
  endpointSelector: {matchLabels: {app: ${app}}}
  ingress:
  - fromEndpoints:
    - matchLabels: {app: ${from}}
    - matchLabels: {"k8s:io.kubernetes.pod.namespace": ${pick(namespaces).name}}
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http: [{method: GET, path: "/api/.*"}, {method: POST, path: "/submit"}]
  - fromEntities: [cluster]
    toPorts: [{ports: [{port: "9090", protocol: TCP}]}]
${i % 4 === 0 ? `  ingressDeny:\n  - fromEndpoints: [{matchLabels: {tier: ${pick(tiers)}}}]\n    toPorts: [{ports: [{port: "80", protocol: TCP}]}]\n` : ''}${i % 5 === 0 ? `  egress:\n  - toEndpoints: [{matchLabels: {tier: ${pick(tiers)}}}]\n  - toFQDNs: [{matchPattern: "*.example.com"}]\n` : ''}`);
    } else {
      docs.push(`apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: ccnp-${i}}
spec:
  endpointSelector: {matchLabels: {app: ${app}, tier: ${pick(tiers)}}}
  ingress:
  - fromEndpoints: [{matchLabels: {"k8s:io.cilium.k8s.namespace.labels.env": ${pick(['prod', 'dev'])}}}]
  egressDeny:
  - toEndpoints: [{matchLabels: {app: ${from}, "k8s:io.cilium.k8s.namespace.labels.team": team-${i % 7}}}]
    toPorts: [{ports: [{port: "9090"}]}]
  egress:
  - toEntities: [all]
`);
    }
  }
  return {cluster: {namespaces, nodes, pods}, policyYaml: docs.join('---\n')};
}
