/**
 * The benchmark's generated model: 1,000 pods in 50 namespaces and 500 mixed
 * policies (NetworkPolicy, CiliumNetworkPolicy with L7 and deny rules, clusterwide policies), as
 * a scenario document with a matrix on two ports. The benchmark writes it to a file (JSON and
 * YAML) so that what it times is what `netpol-labs simulate` does with a file. Deterministic.
 */
import type {Cluster, Pod} from '../src/policy/types';

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

/** The everyday model: 50 x 20 pods, 500 policies. */
export const BENCH_SIZE: BenchSize = {namespaces: 50, podsPerNamespace: 20, policies: 500};

/** The large model: 100 x 100 pods, 5,000 policies. */
export const LARGE_SIZE: BenchSize = {namespaces: 100, podsPerNamespace: 100, policies: 5000};

/** A scenario document (see src/policy/scenario.ts) with the generated cluster, policies and matrix. */
export interface BenchScenario {
  cluster: Cluster;
  policies: object[];
  matrix: {ports: {port: number; protocol: 'TCP'}[]};
}

/** Generates the model. */
export function benchModel(size: BenchSize = BENCH_SIZE, seed = 1): BenchScenario {
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
  const policies: object[] = [];
  for (let i = 0; i < size.policies; i++) {
    const ns = pick(namespaces).name;
    const app = pick(apps);
    const from = pick(apps);
    const kind = i % 10;
    if (kind < 5) {
      const tiersIn = [pick(tiers), pick(tiers)];
      const spec: Record<string, unknown> = {
        podSelector: {matchLabels: {app}},
        policyTypes: i % 3 === 0 ? ['Ingress', 'Egress'] : ['Ingress'],
        ingress: [
          {
            from: [
              {podSelector: {matchLabels: {app: from}}},
              {namespaceSelector: {matchLabels: {team: `team-${i % 7}`}}, podSelector: {matchExpressions: [{key: 'tier', operator: 'In', values: tiersIn}]}},
            ],
            ports: [{port: i % 2 ? 80 : 'http'}, {port: 9000, endPort: 9100}],
          },
        ],
      };
      if (i % 3 === 0) spec.egress = [{to: [{namespaceSelector: {matchLabels: {env: pick(['prod', 'dev'])}}}, {ipBlock: {cidr: '10.0.0.0/8', except: ['10.96.0.0/12']}}]}];
      policies.push({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: `np-${i}`, namespace: ns}, spec});
    } else if (kind < 8) {
      const peerNamespace = pick(namespaces).name;
      const spec: Record<string, unknown> = {
        endpointSelector: {matchLabels: {app}},
        ingress: [
          {
            fromEndpoints: [{matchLabels: {app: from}}, {matchLabels: {'k8s:io.kubernetes.pod.namespace': peerNamespace}}],
            toPorts: [{ports: [{port: '80', protocol: 'TCP'}], rules: {http: [{method: 'GET', path: '/api/.*'}, {method: 'POST', path: '/submit'}]}}],
          },
          {fromEntities: ['cluster'], toPorts: [{ports: [{port: '9090', protocol: 'TCP'}]}]},
        ],
      };
      if (i % 4 === 0) spec.ingressDeny = [{fromEndpoints: [{matchLabels: {tier: pick(tiers)}}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}]}]}];
      if (i % 5 === 0) spec.egress = [{toEndpoints: [{matchLabels: {tier: pick(tiers)}}]}, {toFQDNs: [{matchPattern: '*.example.com'}]}];
      policies.push({apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name: `cnp-${i}`, namespace: ns}, spec});
    } else {
      const tier = pick(tiers);
      const env = pick(['prod', 'dev']);
      policies.push({
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumClusterwideNetworkPolicy',
        metadata: {name: `ccnp-${i}`},
        spec: {
          endpointSelector: {matchLabels: {app, tier}},
          ingress: [{fromEndpoints: [{matchLabels: {'k8s:io.cilium.k8s.namespace.labels.env': env}}]}],
          egressDeny: [{toEndpoints: [{matchLabels: {app: from, 'k8s:io.cilium.k8s.namespace.labels.team': `team-${i % 7}`}}], toPorts: [{ports: [{port: '9090'}]}]}],
          egress: [{toEntities: ['all']}],
        },
      });
    }
  }
  return {
    cluster: {namespaces, nodes, pods},
    policies,
    matrix: {ports: [{port: 80, protocol: 'TCP'}, {port: 9090, protocol: 'TCP'}]},
  };
}
