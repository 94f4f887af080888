// Policy audit mode: "Policy Audit Mode configures Cilium to allow all traffic while logging all
// connections that would otherwise be dropped by network policies. Policy Audit Mode may be
// configured for the entire daemon using --policy-audit-mode=true or for individual Cilium
// Endpoints ... Policy Audit Mode supports auditing network policies implemented at networks layers
// 3 and 4." (cilium/cilium Documentation/security/policy-creation.rst)
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, parseScenario, type ProbeResult} from '../../src/policy';

const scenario = (options: string) => `${options}cluster:
  namespaces: [{name: star-wars}]
  pods:
    - {namespace: star-wars, name: deathstar, labels: {org: empire, class: deathstar}}
    - {namespace: star-wars, name: tiefighter, labels: {org: empire, class: tiefighter}}
    - {namespace: star-wars, name: xwing, labels: {org: alliance, class: xwing}}
policies:
  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: rule1, namespace: star-wars}
    spec:
      endpointSelector: {matchLabels: {org: empire, class: deathstar}}
      ingress:
        - fromEndpoints: [{matchLabels: {org: empire}}]
          toPorts:
            - ports: [{port: "80", protocol: TCP}]
              rules: {http: [{method: POST, path: /v1/request-landing}]}
probes:
  - {from: {pod: star-wars/xwing}, to: {pod: star-wars/deathstar}, port: 80, http: {method: POST, path: /v1/request-landing}}
  - {from: {pod: star-wars/tiefighter}, to: {pod: star-wars/deathstar}, port: 80, http: {method: PUT, path: /v1/exhaust-port}}
`;

function run(yaml: string): ProbeResult[] {
  const parsed = parseScenario(yaml, 's.yaml');
  expect(parsed.errors.map(formatError)).toEqual([]);
  const r = evaluateScenario(parsed.scenario!);
  expect(r.errors).toEqual([]);
  return r.results;
}

describe('policy audit mode', () => {
  it('off: the xwing is dropped at L3/L4 and the PUT denied at L7 (the star-wars guide)', () => {
    const [xwing, put] = run(scenario(''));
    expect(xwing.verdict).toBe('dropped');
    expect(xwing.audit).toBeUndefined();
    expect(put.verdict).toBe('l7-denied');
  });

  it('agent-wide: the L3/L4 drop is let through and reported as what would have been dropped', () => {
    const [xwing] = run(scenario('options: {policyAuditMode: true}\n'));
    expect(xwing).toMatchObject({verdict: 'allowed', audit: 'dropped', ingress: 'dropped'});
    expect(xwing.explanation.find((e) => e.reason === 'audit')?.text).toContain('the ingress of star-wars/deathstar would drop this, but the agent runs in policy audit mode');
  });

  it('audit covers L3/L4 only: the L7 rule still answers 403 to the PUT', () => {
    const [, put] = run(scenario('options: {policyAuditMode: true}\n'));
    expect(put.verdict).toBe('l7-denied');
    expect(put.audit).toBeUndefined();
  });

  it('per endpoint: only the endpoint in audit mode lets its drops through', () => {
    expect(run(scenario('options: {auditEndpoints: [star-wars/deathstar]}\n'))[0]).toMatchObject({verdict: 'allowed', audit: 'dropped'});
    // The drop is at the deathstar's ingress; the xwing being in audit mode changes nothing.
    expect(run(scenario('options: {auditEndpoints: [star-wars/xwing]}\n'))[0]).toMatchObject({verdict: 'dropped'});
  });

  it('a pod that does not exist, and a matrix with audit mode, are errors at their position', () => {
    const missing = parseScenario(scenario('options: {auditEndpoints: [star-wars/ywing]}\n'), 's.yaml');
    expect(missing.errors.map(formatError)).toEqual(['s.yaml:1:28: auditEndpoints names pod "star-wars/ywing", which does not exist; write namespace/name of a pod under cluster.pods']);
    const matrix = parseScenario(`${scenario('options: {policyAuditMode: true}\n')}matrix: {ports: [{port: 80}]}\n`, 's.yaml');
    expect(matrix.errors.map(formatError)).toEqual([expect.stringMatching(/^s\.yaml:22:9: the matrix does not model policy audit mode/)]);
  });
});
