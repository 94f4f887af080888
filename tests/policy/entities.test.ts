// Entities on the cilium datapath for peers that are not pods: nodes (host, remote-node) and the
// outside addresses a scenario gives a reserved identity (cluster.external: kube-apiserver, ingress).
// Expected verdicts from Documentation/security/policy/layer3.rst "Entities based" and
// pkg/policy/api/entity.go (InitEntities: the cluster entity), cited per case.
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, parseScenario, type ProbeResult} from '../../src/policy';

const CLUSTER = `cluster:
  namespaces: [{name: x}]
  nodes: [{name: node-1, ip: 172.18.0.2}, {name: node-2, ip: 172.18.0.3}]
  pods:
    - {namespace: x, name: a, labels: {app: a}, node: node-1}
    - {namespace: x, name: b, labels: {app: b}, node: node-2}
  external:
    - {ip: 203.0.113.10, identity: kube-apiserver}
    - {ip: 10.96.200.1, identity: ingress}
`;

/** Egress of x/a to the given entities only. */
const egressTo = (entities: string) => `policies:
  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: out, namespace: x}
    spec:
      endpointSelector: {matchLabels: {app: a}}
      egress: [{toEntities: [${entities}]}]
`;

const PROBES = `probes:
  - {from: {pod: x/a}, to: {ip: 203.0.113.10}, port: 6443}
  - {from: {pod: x/a}, to: {ip: 10.96.200.1}, port: 80}
  - {from: {pod: x/a}, to: {ip: 8.8.8.8}, port: 443}
  - {from: {pod: x/a}, to: {node: node-1}, port: 10250}
  - {from: {pod: x/a}, to: {node: node-2}, port: 10250}
  - {from: {pod: x/a}, to: {pod: x/b}, port: 80}
`;

function verdicts(yaml: string): string[] {
  return results(yaml).map((r) => r.verdict);
}
function results(yaml: string): ProbeResult[] {
  const {scenario, errors} = parseScenario(yaml, 's.yaml');
  expect(errors.map(formatError)).toEqual([]);
  const r = evaluateScenario(scenario!);
  expect(r.errors.map(formatError)).toEqual([]);
  return r.results;
}

// Probe order: API server, ingress proxy, world, local host, remote node, pod on another node.
describe('toEntities for peers that are not pods', () => {
  it('kube-apiserver admits the API server address and nothing else ("represents the kube-apiserver ... outside of the cluster")', () => {
    expect(verdicts(CLUSTER + egressTo('kube-apiserver') + PROBES)).toEqual(['allowed', 'dropped', 'dropped', 'dropped', 'dropped', 'dropped']);
  });

  it('world admits outside addresses, the API server outside the cluster among them, but not the ingress proxy', () => {
    expect(verdicts(CLUSTER + egressTo('world') + PROBES)).toEqual(['allowed', 'dropped', 'allowed', 'dropped', 'dropped', 'dropped']);
  });

  it('ingress admits only the address of Cilium\'s ingress proxy', () => {
    expect(verdicts(CLUSTER + egressTo('ingress') + PROBES)).toEqual(['dropped', 'allowed', 'dropped', 'dropped', 'dropped', 'dropped']);
  });

  it('host is the local node only; remote-node the other nodes; a pod on another node is neither (it keeps its own identity)', () => {
    expect(verdicts(CLUSTER + egressTo('host') + PROBES)).toEqual(['dropped', 'dropped', 'dropped', 'allowed', 'dropped', 'dropped']);
    expect(verdicts(CLUSTER + egressTo('remote-node') + PROBES)).toEqual(['dropped', 'dropped', 'dropped', 'dropped', 'allowed', 'dropped']);
  });

  it('cluster is the pods, the nodes, the API server and the ingress proxy, not the world (entity.go InitEntities)', () => {
    expect(verdicts(CLUSTER + egressTo('cluster') + PROBES)).toEqual(['allowed', 'allowed', 'dropped', 'allowed', 'allowed', 'allowed']);
  });

  it('all is everything', () => {
    expect(verdicts(CLUSTER + egressTo('all') + PROBES)).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'allowed']);
  });

  it('a drop names the identity of the address, and an entity no address carries says so', () => {
    const [apiserver] = results(CLUSTER + egressTo('ingress') + PROBES);
    expect(apiserver.explanation.find((e) => e.side === 'egress')?.text).toContain('no rule admits 203.0.113.10 (world, kube-apiserver) on TCP/6443');
    const noExternal = CLUSTER.replace(/  external:\n.*\n.*\n/, '');
    const [r] = results(noExternal + egressTo('kube-apiserver') + 'probes:\n  - {from: {pod: x/a}, to: {ip: 203.0.113.10}, port: 6443}\n');
    expect(r.verdict).toBe('dropped');
    expect(r.explanation.find((e) => e.side === 'egress')?.text).toContain('the kube-apiserver entity in CiliumNetworkPolicy x/out egress[0]');
    expect(r.explanation.find((e) => e.side === 'egress')?.text).toContain('this scenario lists none');
  });

  it('an external address that is a pod\'s, or a node\'s with the ingress identity, is refused at its position', () => {
    const {errors} = parseScenario(CLUSTER.replace('10.96.200.1', '172.18.0.3') + egressTo('world') + PROBES.replace('10.96.200.1', '172.18.0.3'), 's.yaml');
    expect(errors.map(formatError)).toContain(
      "s.yaml:9:12: cluster.external[1].ip 172.18.0.3 is the address of a node, which has its own identity; external lists addresses outside them (only kube-apiserver may be a node's address: an API server in the node's network)",
    );
  });
});

/**
 * The API server in a node's own network, as kubeadm (and so kind) runs it: Cilium gives the
 * addresses of default/kubernetes's backends reserved:kube-apiserver (pkg/ipcache,
 * registerAPIServerBackendWatcher) and the node keeps its own label: Hubble's metrics docs
 * (Documentation/observability/metrics.rst, reserved-identity context) list the pairs
 * "reserved:kube-apiserver and reserved:remote-node" and "reserved:kube-apiserver and
 * reserved:host". Identity belongs to an address, not a port, so every port of that node has it.
 */
describe('an API server on a node (cluster.external at a node address)', () => {
  const ON_NODE = CLUSTER.replace('203.0.113.10', '172.18.0.3');
  const NODE_PROBES = `probes:
  - {from: {pod: x/a}, to: {node: node-2}, port: 6443}
  - {from: {pod: x/a}, to: {node: node-2}, port: 8080}
  - {from: {pod: x/a}, to: {node: node-1}, port: 10250}
  - {from: {pod: x/a}, to: {ip: 8.8.8.8}, port: 443}
`;

  it('kube-apiserver admits that node on every port, and not the other node or the world', () => {
    expect(verdicts(ON_NODE + egressTo('kube-apiserver') + NODE_PROBES)).toEqual(['allowed', 'allowed', 'dropped', 'dropped']);
  });

  it('the node stays remote-node (and cluster), and is no part of the world', () => {
    expect(verdicts(ON_NODE + egressTo('remote-node') + NODE_PROBES)).toEqual(['allowed', 'allowed', 'dropped', 'dropped']);
    expect(verdicts(ON_NODE + egressTo('cluster') + NODE_PROBES)).toEqual(['allowed', 'allowed', 'allowed', 'dropped']);
    expect(verdicts(ON_NODE + egressTo('world') + NODE_PROBES)).toEqual(['dropped', 'dropped', 'dropped', 'allowed']);
  });

  it('a drop names both identities of the address', () => {
    const [r] = results(ON_NODE + egressTo('world') + NODE_PROBES);
    expect(r.explanation.find((e) => e.side === 'egress')?.text).toContain('no rule admits node node-2 (remote-node 172.18.0.3, kube-apiserver) on TCP/6443');
  });
});
