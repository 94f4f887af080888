// fromNodes/toNodes (Documentation/security/policy/layer3.rst "Node based"): they "only take effect
// when enable-node-selector-labels flag is set to true"; then "every cilium-agent allocates a
// different local security identity for all other nodes" from the Node object's labels.
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, parseScenario} from '../../src/policy';

const scenario = (options: string, policy: string, probes: string) => `${options}cluster:
  namespaces: [{name: x}]
  nodes:
    - {name: control-plane, ip: 172.18.0.2, labels: {node-role.kubernetes.io/control-plane: ""}}
    - {name: worker, ip: 172.18.0.3}
    - {name: worker2, ip: 172.18.0.4}
  pods:
    - {namespace: x, name: prod, labels: {env: prod}, node: worker}
policies:
  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: nodes, namespace: x}
    spec:
      endpointSelector: {matchLabels: {env: prod}}
${policy}probes:
${probes}`;

// The docs' customnodes.yaml: env=prod receives traffic only from control-plane nodes.
const FROM_CONTROL_PLANE = `      ingress:
        - fromNodes: [{matchLabels: {node-role.kubernetes.io/control-plane: ""}}]
`;
const INGRESS_PROBES = `  - {from: {node: control-plane}, to: {pod: x/prod}, port: 8080}
  - {from: {node: worker2}, to: {pod: x/prod}, port: 8080}
`;

function verdicts(yaml: string): string[] {
  const {scenario: s, errors} = parseScenario(yaml, 's.yaml');
  expect(errors.map(formatError)).toEqual([]);
  return evaluateScenario(s!).results.map((r) => r.verdict);
}

describe('fromNodes and toNodes', () => {
  it('without the flag the rule is refused, as a default agent refuses it, and the message says how to model the flag', () => {
    const {errors} = parseScenario(scenario('', FROM_CONTROL_PLANE, INGRESS_PROBES), 's.yaml');
    expect(errors.map(formatError)).toEqual([expect.stringMatching(/^s\.yaml:16:22: .*fromNodes takes effect only when the agent runs with enable-node-selector-labels.*options: \{nodeSelectorLabels: true\}$/)]);
  });

  it('with options.nodeSelectorLabels, a control-plane node is admitted and another node is not (customnodes.yaml)', () => {
    expect(verdicts(scenario('options: {nodeSelectorLabels: true}\n', FROM_CONTROL_PLANE, INGRESS_PROBES))).toEqual(['allowed', 'dropped']);
  });

  it('toNodes selects the other nodes by label; the pod\'s own node keeps the host identity', () => {
    const toWorkers = `      egress:
        - toNodes: [{matchExpressions: [{key: node-role.kubernetes.io/control-plane, operator: DoesNotExist}]}]
`;
    const probes = `  - {from: {pod: x/prod}, to: {node: worker2}, port: 10250}
  - {from: {pod: x/prod}, to: {node: control-plane}, port: 10250}
  - {from: {pod: x/prod}, to: {node: worker}, port: 10250}
`;
    expect(verdicts(scenario('options: {nodeSelectorLabels: true}\n', toWorkers, probes))).toEqual(['allowed', 'dropped', 'dropped']);
  });
});
