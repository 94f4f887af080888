// Property tests: adding an allow never removes an allowed pair, adding a deny never
// adds one, policy order never matters, the two datapaths agree when no ipBlock covers a pod or
// node address, and the bit-parallel matrix agrees with the per-probe reference evaluator.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {compile, evaluateMatrix, evaluateProbe, type Peer, type PolicyObject, type PolicyRule, type Scenario, type Selector} from '../../src/policy';
import {e2eCluster, NAMESPACES, PODS} from './model';

const src = {file: 'gen.yaml', line: 1, col: 1};
const sel = (labels: Record<string, string>): Selector => ({matchLabels: labels, matchExpressions: []});

const podSel = fc.oneof(fc.constant(sel({})), fc.constantFrom(...PODS).map((p) => sel({pod: p})));
const nsName = fc.constantFrom(...NAMESPACES);
// External CIDRs only: nothing here covers 10.244.0.0/16 (pods) or 172.18.0.0/16 (nodes).
const externalCidr = fc.constantFrom('8.8.8.0/24', '192.0.2.0/24', '8.0.0.0/8');
const peer: fc.Arbitrary<Peer> = fc.oneof(
  fc.record({podSelector: podSel, ns: fc.option(nsName, {nil: undefined}), all: fc.boolean()}).map(({podSelector, ns, all}) => ({
    kind: 'pods' as const,
    podSelector,
    namespaces: all ? ('all' as const) : ns ? {selector: sel({ns})} : {name: 'x'},
    source: src,
  })),
  fc.record({pod: fc.constantFrom(...PODS), ns: nsName}).map(({pod, ns}) => ({kind: 'endpoints' as const, selector: sel({pod, 'io.kubernetes.pod.namespace': ns}), source: src})),
  fc.constantFrom('all', 'cluster', 'world', 'host', 'remote-node').map((entity) => ({kind: 'entity' as const, entity: entity as 'all', source: src})),
  externalCidr.map((cidr) => ({kind: 'cidr' as const, cidr, except: [], origin: 'ipBlock' as const, source: src})),
);
const l4 = fc.option(
  fc.record({port: fc.constantFrom(80, 81), named: fc.boolean(), proto: fc.constantFrom('TCP', 'UDP')}).map(({port, named, proto}) => ({
    ports: [{ports: [named ? {name: `serve-${port}-${proto.toLowerCase()}`, protocols: [proto as 'TCP']} : {port, protocols: [proto as 'TCP']}], source: src}],
    icmps: [],
  })),
  {nil: null},
);

function rule(direction: 'ingress' | 'egress', action: 'allow' | 'deny', subjectNs: string, subject: Selector): fc.Arbitrary<PolicyRule> {
  return fc.record({peers: fc.oneof(fc.constant('any' as const), fc.array(peer, {maxLength: 2})), l4}).map(({peers, l4: ports}) => ({
    direction,
    action,
    label: `${direction}[0]`,
    source: src,
    subject: {namespace: subjectNs, selector: subject, on: 'pod-labels' as const},
    defaultDeny: true,
    peers,
    l4: ports,
  }));
}

const policy: fc.Arbitrary<PolicyObject> = fc
  .record({ns: nsName, subject: podSel, dirs: fc.constantFrom(['ingress'], ['egress'], ['ingress', 'egress']) as fc.Arbitrary<('ingress' | 'egress')[]>, name: fc.nat(1000)})
  .chain(({ns, subject, dirs, name}) =>
    fc.tuple(...dirs.map((d) => fc.array(rule(d, 'allow', ns, subject), {minLength: 1, maxLength: 2}))).map((ruleLists) => ({
      kind: 'NetworkPolicy' as const,
      name: `p${name}`,
      namespace: ns,
      source: src,
      rules: ruleLists.flat(),
    })),
  );

function cells(s: Pick<Scenario, 'cluster' | 'policies' | 'datapath'>, port = 80): string[] {
  const m = evaluateMatrix(compile(s), [{port, protocol: 'TCP'}], {cells: true})[0];
  return m.cells!.filter((c) => c.verdict === 'allowed').map((c) => `${c.from}>${c.to}`);
}

const RUNS = {numRuns: 60};

describe('properties', () => {
  it('adding an allow rule to a selecting policy never removes an allowed pair', () => {
    fc.assert(
      fc.property(fc.array(policy, {minLength: 1, maxLength: 4}), fc.nat(), (policies, k) => {
        const target = policies[k % policies.length];
        const base = target.rules[0];
        const extra: PolicyRule = {...base, peers: 'any', l4: null, label: `${base.direction}[9]`};
        const more = policies.map((p) => (p === target ? {...p, rules: [...p.rules, extra]} : p));
        const before = new Set(cells({cluster: e2eCluster(), policies}));
        const after = new Set(cells({cluster: e2eCluster(), policies: more}));
        for (const c of before) expect(after.has(c)).toBe(true);
      }),
      RUNS,
    );
  });

  it('adding a deny never adds an allowed pair', () => {
    // The deny rule is drawn by fast-check itself (chain), so a failure shrinks and replays.
    const denyRule = fc.tuple(nsName, podSel, fc.constantFrom('ingress' as const, 'egress' as const)).chain(([ns, subject, dir]) => rule(dir, 'deny', ns, subject).map((deny) => ({ns, deny})));
    fc.assert(
      fc.property(fc.array(policy, {maxLength: 4}), denyRule, (policies, {ns, deny}) => {
        const withDeny = [...policies, {kind: 'CiliumNetworkPolicy' as const, name: 'deny', namespace: ns, source: src, rules: [deny]}];
        const after = new Set(cells({cluster: e2eCluster(), policies: withDeny}));
        for (const c of after) expect(cells({cluster: e2eCluster(), policies}).includes(c)).toBe(true);
      }),
      {numRuns: 30},
    );
  });

  it('policy and rule order never matter', () => {
    fc.assert(
      fc.property(fc.array(policy, {maxLength: 5}), (policies) => {
        const reversed = [...policies].reverse().map((p) => ({...p, rules: [...p.rules].reverse()}));
        expect(cells({cluster: e2eCluster(), policies: reversed}).sort()).toEqual(cells({cluster: e2eCluster(), policies}).sort());
      }),
      RUNS,
    );
  });

  it('cilium and kubernetes datapaths agree when no ipBlock covers a pod IP', () => {
    fc.assert(
      fc.property(fc.array(policy, {maxLength: 5}), (policies) => {
        expect(cells({cluster: e2eCluster(), policies, datapath: 'kubernetes'})).toEqual(cells({cluster: e2eCluster(), policies, datapath: 'cilium'}));
      }),
      RUNS,
    );
  });

  it('the bit-parallel matrix agrees with evaluateProbe on every pair, host-network pods included', () => {
    const cluster = e2eCluster([{namespace: 'z', name: 'hostnet', labels: {pod: 'a'}, node: 'node-2', hostNetwork: true}]);
    fc.assert(
      fc.property(fc.array(policy, {maxLength: 5}), fc.constantFrom(80, 81), fc.constantFrom('cilium', 'kubernetes'), (policies, port, datapath) => {
        const model = compile({cluster, policies, datapath: datapath as 'cilium'});
        const fast = new Set(evaluateMatrix(model, [{port}], {cells: true})[0].cells!.filter((c) => c.verdict === 'allowed').map((c) => `${c.from}>${c.to}`));
        for (const a of model.cluster.pods) {
          for (const b of model.cluster.pods) {
            if (a === b) continue;
            const slow = evaluateProbe(model, {from: {pod: a.key}, to: {pod: b.key}, port}).verdict === 'allowed';
            expect(`${a.key}>${b.key}:${fast.has(`${a.key}>${b.key}`)}`).toBe(`${a.key}>${b.key}:${slow}`);
          }
        }
      }),
      {numRuns: 40},
    );
  });

  it('the matrix totals (computed a word at a time, without cells) count what evaluateProbe says of every pair', () => {
    // 75 pods: more than two 32-pod words, the last one partly filled, so the totals path's
    // transpose crosses block boundaries. Labels pod=a|b|c as in the e2e model, for the generators.
    const pods = NAMESPACES.flatMap((ns) => Array.from({length: 25}, (_, i) => ({namespace: ns, name: `p${i}`, labels: {pod: PODS[i % 3]}})));
    const cluster = {...e2eCluster(), pods};
    fc.assert(
      fc.property(fc.array(policy, {maxLength: 5}), fc.constantFrom(80, 81), (policies, port) => {
        const model = compile({cluster, policies});
        let allowed = 0;
        for (const a of model.cluster.pods) for (const b of model.cluster.pods) if (a !== b && evaluateProbe(model, {from: {pod: a.key}, to: {pod: b.key}, port}).verdict === 'allowed') allowed++;
        const [totals] = evaluateMatrix(model, [{port}]);
        expect(totals.cells).toBeUndefined();
        expect({allowed: totals.allowed, dropped: totals.dropped}).toEqual({allowed, dropped: 75 * 74 - allowed});
      }),
      {numRuns: 25},
    );
  });
});

