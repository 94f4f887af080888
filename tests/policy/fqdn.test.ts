// DNS-aware egress: toFQDNs admits an address when the DNS cache of the source pod's node holds it
// for a matching name. Expected verdicts come from Cilium's docs and unit tests, cited per case.
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, parseScenario, type ProbeResult} from '../../src/policy';
import {fqdnPattern} from '../../src/policy/evaluate';

/** matchPattern as the engine reads it, tested on a name in the fully qualified form Cilium compares. */
const accepts = (pattern: string, name: string) => fqdnPattern(pattern).test(name);

describe('matchPattern (cilium/cilium pkg/fqdn/matchpattern/matchpattern_test.go TestAnchoredMatchPatternMatching)', () => {
  const cases: {pattern: string; accept: string[]; reject: string[]}[] = [
    {pattern: 'cilium.io.', accept: ['cilium.io.'], reject: ['anysub.cilium.io.', 'anysub.ci.io.', 'anysub.ciliumandmore.io.']},
    {pattern: '*.cilium.io.', accept: ['anysub.cilium.io.'], reject: ['cilium.io.', 'anysub.ci.io.', 'anysub.ciliumandmore.io.']},
    {pattern: '*.ci*.io.', accept: ['anysub.cilium.io.', 'anysub.ci.io.', 'anysub.ciliumandmore.io.'], reject: ['cilium.io.', 'service.namesace.svc.cluster.local.']},
    {pattern: '*', accept: ['io.', 'cilium.io.', 'svc.cluster.local.', 'service.namesace.svc.cluster.local.', '_foobar._tcp.cilium.io.'], reject: ['.io.', '.cilium.io.', '.svc.cluster.local.']},
    {pattern: '_foobar._tcp.cilium.io.', accept: ['_foobar._tcp.cilium.io.'], reject: ['_tcp.cilium.io.', 'cilium.io.']},
    {pattern: '*.*.cilium.io.', accept: ['_foobar._tcp.cilium.io.'], reject: ['anysub.cilium.io.']},
    // A leading "**." matches one or more whole labels (the subdomain wildcard prefix).
    {
      pattern: '**.cilium.io.',
      accept: ['anysub.cilium.io.', '_foobar._tcp.cilium.io.', 'sub11.sub22.sub33._foobar._tcp.cilium.io.'],
      reject: ['cilium.io.', 'anysub.ci.io.', 'anysub.ciliumandmore.io.'],
    },
    {pattern: '**.ci*.io.', accept: ['anysub.cilium.io.', 'anysub.ci.io.', '1.anysub.ciliumandmore.io.'], reject: ['cilium.io.']},
    {pattern: '**', accept: ['io.', 'cilium.io.', '_foobar._tcp.cilium.io.'], reject: ['..io.', '.svc.cluster..local.']},
  ];
  for (const {pattern, accept, reject} of cases) {
    it(pattern, () => {
      for (const name of accept) expect(accepts(pattern, name), `${pattern} accepts ${name}`).toBe(true);
      for (const name of reject) expect(accepts(pattern, name), `${pattern} rejects ${name}`).toBe(false);
    });
  }

  it('a pattern without its final dot means the same (matchpattern.go Sanitize: "*.com" -> "*.com.")', () => {
    expect(accepts('*.cilium.io', 'docs.cilium.io.')).toBe(true);
    expect(accepts('*.cilium.io', 'cilium.io.')).toBe(false);
  });

  it('is case-insensitive, as the pattern is lower-cased (ToAnchoredRegexp)', () => {
    expect(accepts('*.Cilium.IO', 'docs.cilium.io.')).toBe(true);
  });
});

const SCENARIO = `cluster:
  namespaces: [{name: x}]
  nodes: [{name: node-1}, {name: node-2}]
  pods:
    - {namespace: x, name: a, labels: {app: client}, node: node-1}
    - {namespace: x, name: b, labels: {app: client}, node: node-1}
    - {namespace: x, name: c, labels: {app: client}, node: node-2}
dnsCache:
  - {name: api.github.com, ips: [140.82.112.5], observedBy: x/a}
policies:
  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: to-github, namespace: x}
    spec:
      endpointSelector: {matchLabels: {app: client}}
      egress:
        - toFQDNs: [{matchName: api.github.com}]
probes:
  - {from: {pod: x/a}, to: {ip: 140.82.112.5}, port: 443}
  - {from: {pod: x/b}, to: {ip: 140.82.112.5}, port: 443}
  - {from: {pod: x/c}, to: {ip: 140.82.112.5}, port: 443}
  - {from: {pod: x/a}, to: {ip: 140.82.112.6}, port: 443}
`;

function run(yaml: string): ProbeResult[] {
  const {scenario, errors} = parseScenario(yaml, 's.yaml');
  expect(errors.map(formatError)).toEqual([]);
  const r = evaluateScenario(scenario!);
  expect(r.errors).toEqual([]);
  return r.results;
}

const egressText = (r: ProbeResult) => r.explanation.find((e) => e.side === 'egress')!.text;

describe('toFQDNs learns addresses per node (Documentation/security/policy/layer7.rst, "DNS Proxy")', () => {
  // "For a given domain name, IPs from responses to all pods managed by a Cilium instance are allowed
  // by policy (respecting TTLs)": one agent per node, one cache per agent.
  const [a, b, c, other] = run(SCENARIO);

  it('the pod that looked the name up reaches the address, and the explanation names the answer', () => {
    expect(a.verdict).toBe('allowed');
    expect(egressText(a)).toContain('toFQDNs matchName api.github.com: the DNS answer api.github.com -> 140.82.112.5, looked up by x/a on node-1');
  });

  it('a second pod on the same node reaches it too, though it never looked the name up', () => {
    expect(b.verdict).toBe('allowed');
    expect(egressText(b)).toContain('looked up by x/a on node-1');
  });

  it('a pod on another node is dropped, and the explanation says the answer is in another agent\'s cache', () => {
    expect(c.verdict).toBe('dropped');
    expect(egressText(c)).toContain("admits 140.82.112.5 only if the DNS cache of node-2's Cilium agent holds it for a matching name, and no pod on node-2 looked one up");
    expect(egressText(c)).toContain('api.github.com -> 140.82.112.5, looked up by x/a on node-1: another node\'s agent, another cache');
  });

  it('an address the answer did not hold is dropped, whatever name it serves', () => {
    expect(other.verdict).toBe('dropped');
    expect(egressText(other)).not.toContain('another cache');
  });

  it('a DNS answer must say which pod looked it up, at its position', () => {
    const {errors} = parseScenario(SCENARIO.replace(', observedBy: x/a}', '}'), 's.yaml');
    expect(errors.map(formatError)).toEqual([
      expect.stringMatching(/^s\.yaml:9:5: .*observedBy.*namespace\/pod that made the lookup/),
    ]);
  });
});
