// The matrix's one evaluation path (src/policy/matrix.ts): totals are counted from the same bits
// the cells are read from, and pods that share a list of rules share a row, except where a rule
// names a port, which each destination pod resolves against its own container ports.
// Expected verdicts follow the NetworkPolicy API reference (a named port in an ingress rule is
// the selected pod's container port of that name: kubernetes.io/docs/concepts/services-networking/network-policies/).
import {describe, expect, it} from 'vitest';
import {compile, evaluateMatrix, parseScenario} from '../../src/policy';

const scenario = `
cluster:
  namespaces: [{name: x}]
  pods:
    - {namespace: x, name: client, labels: {role: client}}
    - {namespace: x, name: web-1, labels: {role: web}, containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
    - {namespace: x, name: web-2, labels: {role: web}, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
    - {namespace: x, name: web-3, labels: {role: web}, containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
policies:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: web-http-from-client, namespace: x}
    spec:
      podSelector: {matchLabels: {role: web}}
      ingress:
        - from: [{podSelector: {matchLabels: {role: client}}}]
          ports: [{port: http}]
`;

function matrix(port: number, cells: boolean) {
  const {scenario: s, errors} = parseScenario(scenario, 's.yaml');
  expect(errors).toEqual([]);
  return evaluateMatrix(compile(s!), [{port}], {cells})[0];
}

describe('the matrix', () => {
  it('resolves a named port per destination pod, though the pods share one rule list', () => {
    // web-1 and web-3 name port 80 "http"; web-2 names 8080 "http": on port 80 only web-1 and
    // web-3 admit the client, and on 8080 only web-2.
    const allowedTo = (port: number) => matrix(port, true).cells!.filter((c) => c.from === 'x/client' && c.verdict === 'allowed').map((c) => c.to);
    expect(allowedTo(80)).toEqual(['x/web-1', 'x/web-3']);
    expect(allowedTo(8080)).toEqual(['x/web-2']);
  });

  it('counts its totals from the cells it would print', () => {
    for (const port of [80, 8080]) {
      const withCells = matrix(port, true);
      const totals = matrix(port, false);
      expect(totals.cells).toBeUndefined();
      expect(totals.allowed).toBe(withCells.cells!.filter((c) => c.verdict === 'allowed').length);
      expect(totals.dropped).toBe(withCells.cells!.filter((c) => c.verdict === 'dropped').length);
      // 4 pods: 12 ordered pairs of distinct pods.
      expect(totals.allowed + totals.dropped).toBe(12);
    }
  });
});
