// DNS queries as probes: a lookup that L3/L4 lets through is checked against the client's egress
// DNS rules by Cilium's DNS proxy. Expected verdicts from Cilium's docs, cited per case.
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, parseScenario, type ProbeResult} from '../../src/policy';

const CLUSTER = `cluster:
  namespaces: [{name: x}, {name: kube-system}]
  pods:
    - {namespace: x, name: a, labels: {app: client}}
    - {namespace: x, name: b, labels: {app: other}}
    - {namespace: kube-system, name: coredns, labels: {k8s-app: kube-dns}}
`;

/** Egress of app=client to kube-dns on port 53, with the given toPorts rules. */
const policy = (rules: string, extra = '') => `policies:
  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: dns, namespace: x}
    spec:
      endpointSelector: {matchLabels: {app: client}}
      egress:
        - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]
          toPorts:
            - ports: [{port: "53", protocol: ANY}]
${rules}${extra}`;

const probes = (...lines: string[]) => `probes:\n${lines.map((l) => `  - ${l}\n`).join('')}`;
const lookup = (from: string, name: string) => `{from: {pod: ${from}}, to: {pod: kube-system/coredns}, dns: {name: ${name}}}`;

function run(yaml: string): ProbeResult[] {
  const {scenario, errors} = parseScenario(yaml, 's.yaml');
  expect(errors.map(formatError)).toEqual([]);
  const r = evaluateScenario(scenario!);
  expect(r.errors.map(formatError)).toEqual([]);
  return r.results;
}
const l7Text = (r: ProbeResult) => r.explanation.find((e) => e.side === 'l7')?.text ?? '';

describe('DNS rules (Documentation/security/policy/layer7.rst "DNS Policy and IP Discovery")', () => {
  const withRules = CLUSTER + policy('              rules: {dns: [{matchPattern: "*.github.com"}]}\n');

  it('a name a DNS rule allows goes through the proxy to the server', () => {
    const [r] = run(withRules + probes(lookup('x/a', 'api.github.com')));
    expect(r).toMatchObject({verdict: 'allowed', dns: {rcode: null}});
    expect(l7Text(r)).toContain('the lookup of api.github.com matches matchPattern "*.github.com"');
  });

  it('a name no DNS rule allows is refused by the proxy (REFUSED, the chart default tofqdns-dns-reject-response-code)', () => {
    const [r] = run(withRules + probes(lookup('x/a', 'example.com')));
    expect(r).toMatchObject({verdict: 'l7-denied', egress: 'allowed', dns: {rcode: 'REFUSED'}});
    expect(l7Text(r)).toContain("matches none of the DNS rules of CiliumNetworkPolicy x/dns egress[0] (s.yaml:14) (matchPattern \"*.github.com\"); Cilium's DNS proxy answers REFUSED");
  });

  it('"*" lets every name through the proxy (the dns-visibility example)', () => {
    const [r] = run(CLUSTER + policy('              rules: {dns: [{matchPattern: "*"}]}\n') + probes(lookup('x/a', 'example.com')));
    expect(r.verdict).toBe('allowed');
  });

  it('without an egress rule to kube-dns the query is dropped at L3/L4, before any proxy', () => {
    const deny = `policies:
  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: deny, namespace: x}
    spec:
      endpointSelector: {matchLabels: {app: client}}
      egress: [{}]
`;
    const [r] = run(CLUSTER + deny + probes(lookup('x/a', 'api.github.com')));
    expect(r).toMatchObject({verdict: 'dropped', egress: 'dropped', dns: {rcode: null}});
  });

  it('an L4-only allow of the same port makes DNS allow-all for the client (layer7.rst: an L4 rule wildcards L7)', () => {
    const l4 = `  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: dns-l4, namespace: x}
    spec:
      endpointSelector: {matchLabels: {app: client}}
      egress:
        - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system}}]
          toPorts: [{ports: [{port: "53", protocol: UDP}]}]
`;
    const [r] = run(withRules + l4 + probes(lookup('x/a', 'example.com')));
    expect(r.verdict).toBe('allowed');
    expect(l7Text(r)).toContain('without DNS rules, which lets every name through');
  });

  it('a pod the policy does not select is not filtered', () => {
    const [r] = run(withRules + probes(lookup('x/b', 'example.com')));
    expect(r.verdict).toBe('allowed');
  });

  it('a probe is an HTTP request or a DNS query, not both', () => {
    const {errors} = parseScenario(withRules + probes('{from: {pod: x/a}, to: {pod: kube-system/coredns}, dns: {name: a.b}, http: {path: /}}'), 's.yaml');
    expect(errors.map(formatError)).toEqual([expect.stringContaining('gives both http and dns; a probe makes one request: keep one')]);
  });
});
