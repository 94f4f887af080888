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

  it('an external address that is a node\'s is refused at its position', () => {
    const {errors} = parseScenario(CLUSTER.replace('203.0.113.10', '172.18.0.3') + egressTo('world') + PROBES.replace('203.0.113.10', '172.18.0.3'), 's.yaml');
    expect(errors.map(formatError)).toContain('s.yaml:8:12: cluster.external[0].ip 172.18.0.3 is the address of a node or a pod, which has its own identity; external lists addresses outside them');
  });
});
