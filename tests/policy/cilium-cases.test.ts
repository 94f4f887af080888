// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy cases from Cilium's docs and tests
// (C-DOC: cilium/cilium Documentation/security/policy/*.rst; C-TEST: pkg/policy/rule_test.go).
// Each case cites its source.
import {describe, expect, it} from 'vitest';
import {evaluateScenario, parsePolicyDocuments, type Probe} from '../../src/policy';
import {e2eCluster, policies, probe, reachability, table} from './model';

const cnp = (ns: string, name: string, spec: string) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec.replace(/^/gm, '  ')}
`;
const ccnp = (name: string, spec: string) => `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: ${name}}
spec:
${spec.replace(/^/gm, '  ')}
`;

function verdicts(yaml: string, probes: Probe[], extra: object = {}) {
  const r = evaluateScenario({cluster: e2eCluster(), policies: policies(yaml), probes, ...extra});
  expect(r.errors).toEqual([]);
  return r.results.map((x) => x.verdict);
}

describe('default deny and empty rules', () => {
  it('CNP ingress: [{}] isolates and allows nothing, the opposite of NetworkPolicy (sw_deny_policy.yaml; connectivity test all-ingress-deny)', () => {
    expect(table({cluster: e2eCluster(), policies: policies(cnp('x', 'deny-all-ingress', 'endpointSelector: {}\ningress: [{}]'))})).toEqual(reachability(true, [['*', 'x/', false]]));
  });
  it('CNP egress: [{}] is egress default deny (layer3.rst "Ingress/Egress Default Deny", egress-default-deny.yaml)', () => {
    expect(table({cluster: e2eCluster(), policies: policies(cnp('x', 'egress-default-deny', 'endpointSelector: {}\negress: [{}]'))})).toEqual(reachability(true, [['x/', '*', false]]));
  });
  it('a CNP whose only section is ingress: [] is refused, not a no-op (rule_validation.go Rule.Validate: "rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny"; empty lists count as absent)', () => {
    const r = parsePolicyDocuments(cnp('x', 'empty', 'endpointSelector: {}\ningress: []'), 'p.yaml');
    expect(r.policies).toEqual([]);
    expect(r.errors.map((e) => `${e.code} ${e.line}:${e.col}`)).toEqual(['no-rules 5:3']);
  });
  it('enableDefaultDeny.ingress false: the rule allows without isolating (api/rule.go EnableDefaultDeny doc)', () => {
    const yaml = cnp('x', 'no-default-deny', 'endpointSelector: {matchLabels: {pod: a}}\nenableDefaultDeny: {ingress: false}\ningress:\n- fromEndpoints: [{matchLabels: {pod: b}}]');
    expect(table({cluster: e2eCluster(), policies: policies(yaml)})).toEqual(reachability(true, []));
  });
  it('a rule with only toPorts admits every peer on those ports (PolicyEntry L3 doc; rule_test.go TestIngressL4AllowAll)', () => {
    const yaml = cnp('x', 'l4-only', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- toPorts: [{ports: [{port: "80", protocol: TCP}]}]');
    expect(verdicts(yaml, [probe('y/b', 'x/a', 80), probe('y/b', 'x/a', 81), {from: {ip: '8.8.8.8'}, to: {pod: 'x/a'}, port: 80}])).toEqual(['allowed', 'dropped', 'allowed']);
  });
  it('policyEnforcementMode always isolates unselected endpoints; never enforces nothing (intro.rst)', () => {
    const yaml = cnp('x', 'allow-b', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- fromEndpoints: [{matchLabels: {pod: b}}]');
    expect(verdicts(yaml, [probe('x/b', 'x/a'), probe('x/b', 'y/a')], {options: {policyEnforcementMode: 'always'}})).toEqual(['dropped', 'dropped']);
    expect(verdicts(yaml, [probe('x/c', 'x/a')], {options: {policyEnforcementMode: 'never'}})).toEqual(['allowed']);
  });
});

describe('namespace scoping of endpoint selectors (C-UTIL ParseToCiliumRule)', () => {
  it('CNP fromEndpoints [{}] means every pod of the policy\'s namespace (layer3.rst "based on the CiliumNetworkPolicy namespace")', () => {
    const yaml = cnp('x', 'same-ns', 'endpointSelector: {}\ningress:\n- fromEndpoints: [{}]');
    expect(table({cluster: e2eCluster(), policies: policies(yaml)})).toEqual(reachability(true, [['*', 'x/', false], ['x/', 'x/', true]]));
  });
  it('CCNP fromEndpoints [{}] means every pod of every namespace, never the host or world', () => {
    const yaml = ccnp('all-pods', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- fromEndpoints: [{}]');
    expect(table({cluster: e2eCluster(), policies: policies(yaml)})).toEqual(reachability(true, []));
    expect(verdicts(yaml, [{from: {ip: '8.8.8.8'}, to: {pod: 'y/a'}, port: 80}, {from: {node: 'node-2'}, to: {pod: 'y/a'}, port: 80}])).toEqual(['dropped', 'dropped']);
  });
  it('namespace labels select through io.cilium.k8s.namespace.labels.* (kubernetes.rst; C-KNP translation)', () => {
    const yaml = cnp('x', 'from-ns-y', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- fromEndpoints: [{matchLabels: {"k8s:io.cilium.k8s.namespace.labels.ns": y}}]');
    expect(table({cluster: e2eCluster(), policies: policies(yaml)})).toEqual(reachability(true, [['*', 'x/a', false], ['y/', 'x/a', true]]));
  });
  it('io.kubernetes.pod.namespace selects another namespace explicitly (layer3.rst namespace example)', () => {
    const yaml = cnp('x', 'from-z', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- fromEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": z, pod: c}}]');
    expect(table({cluster: e2eCluster(), policies: policies(yaml)})).toEqual(reachability(true, [['*', 'x/a', false], ['z/c', 'x/a', true]]));
  });
});

describe('entities, CIDRs, FQDNs (layer3.rst)', () => {
  it('fromEntities world admits outside addresses, not pods; cluster admits pods and nodes', () => {
    const world = cnp('x', 'from-world', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- fromEntities: [world]');
    expect(verdicts(world, [{from: {ip: '8.8.8.8'}, to: {pod: 'x/a'}, port: 80}, probe('y/b', 'x/a')])).toEqual(['allowed', 'dropped']);
    const cluster = cnp('x', 'from-cluster', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- fromEntities: [cluster]');
    expect(verdicts(cluster, [{from: {ip: '8.8.8.8'}, to: {pod: 'x/a'}, port: 80}, probe('y/b', 'x/a'), {from: {node: 'node-2'}, to: {pod: 'x/a'}, port: 80}])).toEqual(['dropped', 'allowed', 'allowed']);
  });
  it('remote-node vs host: traffic from another node needs remote-node; the local host is always allowed (layer3.rst "Access to/from local host")', () => {
    const yaml = cnp('x', 'from-remote-node', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- fromEntities: [remote-node]');
    expect(verdicts(yaml, [{from: {node: 'node-2'}, to: {pod: 'x/a'}, port: 80}, {from: {node: 'node-1'}, to: {pod: 'x/a'}, port: 80}])).toEqual(['allowed', 'allowed']);
    const none = cnp('x', 'deny-all', 'endpointSelector: {matchLabels: {pod: a}}\ningress: [{}]');
    expect(verdicts(none, [{from: {node: 'node-2'}, to: {pod: 'x/a'}, port: 80}, {from: {node: 'node-1'}, to: {pod: 'x/a'}, port: 80}])).toEqual(['dropped', 'allowed']);
  });
  it('toCIDRSet with except (layer3.rst cidr example)', () => {
    const yaml = cnp('x', 'cidr', 'endpointSelector: {matchLabels: {pod: a}}\negress:\n- toCIDRSet: [{cidr: 8.8.0.0/16, except: [8.8.8.0/24]}]');
    expect(verdicts(yaml, [{from: {pod: 'x/a'}, to: {ip: '8.8.4.4'}, port: 53, protocol: 'UDP'}, {from: {pod: 'x/a'}, to: {ip: '8.8.8.8'}, port: 53, protocol: 'UDP'}])).toEqual(['allowed', 'dropped']);
  });
  it('toFQDNs admits IPs the endpoint saw in DNS answers (layer3.rst DNS based)', () => {
    const yaml = cnp('x', 'fqdn', 'endpointSelector: {matchLabels: {pod: a}}\negress:\n- toFQDNs: [{matchPattern: "*.cilium.io"}]');
    const probes: Probe[] = [{from: {pod: 'x/a'}, to: {ip: '192.0.2.10'}, port: 443}, {from: {pod: 'x/a'}, to: {ip: '8.8.8.8'}, port: 443}];
    expect(verdicts(yaml, probes, {dnsCache: [{name: 'docs.cilium.io', ips: ['192.0.2.10'], observedBy: 'x/a'}]})).toEqual(['allowed', 'dropped']);
    expect(verdicts(yaml, probes, {dnsCache: [{name: 'cilium.io', ips: ['192.0.2.10'], observedBy: 'x/a'}]})).toEqual(['dropped', 'dropped']);
  });
});

describe('ports and ICMP (layer4.rst)', () => {
  it('protocol ANY (the default) covers TCP, UDP and SCTP (rule_test.go TestL4Policy 3000/ANY)', () => {
    const yaml = cnp('x', 'any', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- toPorts: [{ports: [{port: "80"}]}]');
    expect(verdicts(yaml, [probe('y/b', 'x/a', 80, 'TCP'), probe('y/b', 'x/a', 80, 'UDP'), probe('y/b', 'x/a', 80, 'SCTP')])).toEqual(['allowed', 'allowed', 'allowed']);
  });
  it('ICMP is blocked once an L4 rule applies, unless an icmps rule allows the type', () => {
    const l4 = cnp('x', 'l4', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- toPorts: [{ports: [{port: "80", protocol: TCP}]}]');
    const ping: Probe = {from: {pod: 'y/b'}, to: {pod: 'x/a'}, protocol: 'ICMP', icmpType: 8};
    expect(verdicts(l4, [ping])).toEqual(['dropped']);
    const icmp = cnp('x', 'ping', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- icmps: [{fields: [{type: EchoRequest, family: IPv4}]}]');
    expect(verdicts(icmp, [ping, probe('y/b', 'x/a')])).toEqual(['allowed', 'dropped']);
    const l3 = cnp('x', 'l3', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- fromEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": y}}]');
    expect(verdicts(l3, [ping])).toEqual(['allowed']);
  });
});

describe('deny rules (deny.rst)', () => {
  it('external-lockdown: ingressDeny world with ingress all: world dropped, pods allowed', () => {
    const yaml = cnp('x', 'external-lockdown', 'endpointSelector: {}\ningressDeny:\n- fromEntities: [world]\ningress:\n- fromEntities: [all]');
    expect(verdicts(yaml, [{from: {ip: '8.8.8.8'}, to: {pod: 'x/a'}, port: 80}, probe('y/b', 'x/a')])).toEqual(['dropped', 'allowed']);
  });
  it('a CNP deny overrides a Kubernetes NetworkPolicy allow ("regardless of whether they are ... a Kubernetes Network Policy")', () => {
    const yaml =
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-all, namespace: x}\nspec:\n  podSelector: {}\n  ingress: [{}]\n---\n` +
      cnp('x', 'deny-from-y', 'endpointSelector: {}\ningressDeny:\n- fromEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": y}}]');
    const r = evaluateScenario({cluster: e2eCluster(), policies: policies(yaml), probes: [probe('y/b', 'x/a'), probe('z/b', 'x/a')]});
    expect(r.results.map((x) => x.verdict)).toEqual(['dropped', 'allowed']);
    expect(r.results[0].explanation.find((e) => e.reason === 'deny-rule')?.rules?.[0]).toMatchObject({kind: 'CiliumNetworkPolicy', name: 'deny-from-y', rule: 'ingressDeny[0]', line: 14});
  });
});

describe('L7 HTTP (layer7.rst, demo.rst, rule_test.go)', () => {
  const l7 = (rules: string) =>
    cnp('x', 'l7', `endpointSelector: {matchLabels: {pod: a}}\ningress:\n- fromEndpoints: [{matchLabels: {pod: b}}]\n  toPorts:\n  - ports: [{port: "80", protocol: TCP}]\n    rules:\n      http:\n${rules.replace(/^/gm, '      ')}`);
  const req = (method: string, path: string, headers?: Record<string, string>): Probe => ({from: {pod: 'x/b'}, to: {pod: 'x/a'}, port: 80, http: {method, path, ...(headers ? {headers} : {})}});
  it('path is a full-match regular expression: /v1/.* admits /v1/x but not /v1 (demo.rst "path matches the exact url")', () => {
    expect(verdicts(l7('- {method: GET, path: "/v1/.*"}'), [req('GET', '/v1/x'), req('GET', '/v1'), req('GET', '/x/v1/y')])).toEqual(['allowed', 'l7-denied', 'l7-denied']);
  });
  it('headers: every listed header must be present with the exact value (C-XDS getHTTPRule; layer7.rst headers example)', () => {
    const yaml = l7('- {method: PUT, path: "/public", headers: ["X-My-Header: true"]}');
    expect(verdicts(yaml, [req('PUT', '/public', {'X-My-Header': 'true'}), req('PUT', '/public', {'X-My-Header': 'false'}), req('PUT', '/public')])).toEqual(['allowed', 'l7-denied', 'l7-denied']);
  });
  it('TestL3L4L7Merge: an L3-only allow for one peer wildcards L7 for it; others keep their HTTP rules', () => {
    const yaml = l7('- {method: GET, path: "/"}') + '---\n' + cnp('x', 'l3-c', 'endpointSelector: {matchLabels: {pod: a}}\ningress:\n- fromEndpoints: [{matchLabels: {pod: c}}]');
    const fromC: Probe = {from: {pod: 'x/c'}, to: {pod: 'x/a'}, port: 80, http: {method: 'POST', path: '/x'}};
    expect(verdicts(yaml, [fromC, req('POST', '/x'), req('GET', '/')])).toEqual(['allowed', 'l7-denied', 'allowed']);
  });
  it('a refused request is answered 403 "Access denied\\r\\n" by Envoy (cilium/proxy l7policy.cc denied_403_body)', () => {
    const r = evaluateScenario({cluster: e2eCluster(), policies: policies(l7('- {method: GET}')), probes: [req('POST', '/')]});
    expect(r.results[0].http).toEqual({status: 403, body: 'Access denied\r\n'});
  });
});
