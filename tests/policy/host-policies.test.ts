// Host policies: a CiliumClusterwideNetworkPolicy with nodeSelector applies to the selected nodes'
// host endpoint, only when the agent's host firewall is on. Every expected verdict cites where it
// comes from in cilium/cilium (docs, examples, unit tests, cilium-cli connectivity tests):
//   host-firewall.rst      Documentation/security/host-firewall.rst (the demo-host-policy guide)
//   host.rst               Documentation/security/policy/host.rst ("Host Policies")
//   repository.go          pkg/policy/repository.go computePolicyEnforcementAndRules
//   rule_validation.go     pkg/policy/api/rule_validation.go (+ rule_validation_test.go TestL7RulesWithNodeSelector)
//   hf-ingress / hf-egress cilium-cli/connectivity/builder/host_firewall_{ingress,egress}.go with
//                          manifests/host-firewall-{ingress,egress}.yaml and tests/host.go (PodToHost, HostToPod)
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, formatWarning, parseScenario, type ScenarioResult} from '../../src/policy';
import {simulateCli} from '../cli-harness';

function evaluate(yaml: string): ScenarioResult {
  const {scenario, errors} = parseScenario(yaml, 's.yaml');
  expect(errors.map(formatError)).toEqual([]);
  const r = evaluateScenario(scenario!);
  expect(r.errors.map(formatError)).toEqual([]);
  return r;
}
const verdicts = (r: ScenarioResult) => r.results.map((x) => x.verdict);
const errorsOf = (yaml: string) => parseScenario(yaml, 's.yaml').errors.map(formatError);

// The guide's cluster: k8s1 labelled node-access=ssh, k8s2 not.
const DEMO_CLUSTER = `cluster:
  namespaces: [{name: x}]
  nodes:
    - {name: k8s1, ip: 192.168.60.11, labels: {node-access: ssh}}
    - {name: k8s2, ip: 192.168.60.12}
  pods:
    - {namespace: x, name: a, labels: {app: a}, node: k8s2}
    - {namespace: x, name: sshd, node: k8s1, hostNetwork: true}
`;

// examples/policies/host/demo-host-policy.yaml, as the guide applies it.
const DEMO_POLICY = `policies:
  - apiVersion: cilium.io/v2
    kind: CiliumClusterwideNetworkPolicy
    metadata: {name: demo-host-policy}
    spec:
      description: ""
      nodeSelector: {matchLabels: {node-access: ssh}}
      ingress:
        - fromEntities: [cluster]
        - toPorts: [{ports: [{port: "22", protocol: TCP}]}]
        - icmps: [{fields: [{type: EchoRequest, family: IPv4}]}]
`;

const DEMO_PROBES = `probes:
  - {from: {ip: 10.0.2.2}, to: {node: k8s1}, port: 22}
  - {from: {ip: 10.0.2.2}, to: {node: k8s1}, port: 21}
  - {from: {ip: 10.0.2.2}, to: {node: k8s1}, protocol: ICMP}
  - {from: {pod: x/a}, to: {node: k8s1}, port: 2379}
  - {from: {node: k8s2}, to: {node: k8s1}, port: 2379}
  - {from: {ip: 10.0.2.2}, to: {pod: x/sshd}, port: 21}
  - {from: {ip: 10.0.2.2}, to: {node: k8s2}, port: 21}
`;

describe('a host policy with and without the host firewall (host-firewall.rst, demo-host-policy)', () => {
  it('with the host firewall: outside traffic only on TCP/22 and ICMP echo, the cluster on every port, unlabelled nodes untouched', () => {
    const r = evaluate(`options: {hostFirewall: true}\n${DEMO_CLUSTER}${DEMO_POLICY}${DEMO_PROBES}`);
    expect(verdicts(r)).toEqual([
      'allowed', // "It allows communications from outside the cluster only for TCP/22 ..."
      'dropped', // "... 10.0.2.2:49038 -> 10.0.2.15:21 tcp SYN" action deny, once enforced
      'allowed', // "... and for ICMP echo requests"
      'allowed', // "All communications from the cluster to the hosts are allowed" (a pod is in the cluster entity)
      'allowed', // the same for another node (remote-node is in the cluster entity)
      'dropped', // host.rst: host policies apply "to the host namespace, including host-networking pods"
      'allowed', // "host policies only apply to nodes with the label node-access=ssh": k8s2 has none
    ]);
    expect(r.results[1].ingress).toBe('dropped');
    expect(r.results[1].explanation.find((e) => e.side === 'ingress')?.text).toContain('node k8s1 (host) is isolated for ingress by CiliumClusterwideNetworkPolicy demo-host-policy');
    expect(r.warnings).toEqual([]);
  });

  it('without it the policy is accepted and enforces nothing: a warning at the policy, and each probe to such a node says why', () => {
    // repository.go: no enforcement for the host identity without EnableHostFirewall; the API
    // server and the agent still accept the object (host.rst lists hostFirewall.enabled as required).
    const r = evaluate(`${DEMO_CLUSTER}${DEMO_POLICY}${DEMO_PROBES}`);
    expect(verdicts(r)).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'allowed']);
    expect(r.warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^s\.yaml:10:5: warning: CiliumClusterwideNetworkPolicy demo-host-policy is a host policy \(nodeSelector\), and the agent's host firewall is off, so Cilium accepts it and enforces none of it .*options\.hostFirewall: true/),
    ]);
    const ingress = r.results[1].explanation.find((e) => e.side === 'ingress')!;
    expect(ingress).toMatchObject({effect: 'allowed', reason: 'host-firewall-off'});
    expect(ingress.text).toContain("selects this node, but the agent's host firewall is off");
    // k8s2 is selected by no host policy: nothing to say about a firewall there but that it is off.
    expect(r.results[6].explanation.find((e) => e.side === 'ingress')?.reason).toBe('not-enforced');
  });
});

describe('default deny of a node and what stays allowed', () => {
  const lockdown = `options: {hostFirewall: true}\n${DEMO_CLUSTER}policies:
  - apiVersion: cilium.io/v2
    kind: CiliumClusterwideNetworkPolicy
    metadata: {name: ssh-only}
    spec:
      nodeSelector: {matchLabels: {node-access: ssh}}
      ingress: [{toPorts: [{ports: [{port: "22", protocol: TCP}]}]}]
probes:
  - {from: {pod: x/a}, to: {node: k8s1}, port: 10250}
  - {from: {node: k8s1}, to: {ip: 8.8.8.8}, port: 443}
  - {from: {node: k8s1}, to: {pod: x/a}, port: 80}
  - {from: {pod: x/a}, to: {ip: 8.8.8.8}, port: 443}
  - {from: {node: k8s1}, to: {node: k8s1}, port: 10250}
`;

  it('an ingress-only host policy isolates the node for ingress only; pods and the node\'s own traffic are not its business', () => {
    const r = evaluate(lockdown);
    expect(verdicts(r)).toEqual([
      'dropped', // default deny at ingress once a rule with an ingress section selects it (intro.rst "default" mode, for the host endpoint as for pods: repository.go)
      'allowed', // egress stays open: the guide's endpoint list shows the host "Enabled" for ingress, "Disabled" for egress
      'allowed', // the same egress side, to a pod on another node; the pod has no policy
      'allowed', // host-firewall.rst: host policies "don't apply to communications between pods or between pods and the outside of the cluster"
      'allowed', // the local host is always allowed (pkg/policy/mapstate.go determineAllowLocalhostIngress); marked inferred
    ]);
    expect(r.results[4].explanation.find((e) => e.side === 'ingress')?.inferred).toBeDefined();
  });

  it('a pod reaching a node, its own included, meets the host ingress policy; other nodes come as remote-node (hf-ingress)', () => {
    // manifests/host-firewall-ingress.yaml; PodToHost pings every node from every client pod and
    // expects ResultPolicyDenyIngressDrop for the pod named client, ResultOK for the others.
    const r = evaluate(`options: {hostFirewall: true}
cluster:
  namespaces: [{name: cilium-test}]
  nodes: [{name: node-1, ip: 172.18.0.2}, {name: node-2, ip: 172.18.0.3}]
  pods:
    - {namespace: cilium-test, name: client, labels: {name: client}, node: node-1}
    - {namespace: cilium-test, name: client2, labels: {name: client2}, node: node-1}
policies:
  - apiVersion: cilium.io/v2
    kind: CiliumClusterwideNetworkPolicy
    metadata: {name: host-firewall-ingress}
    spec:
      nodeSelector: {}
      ingress:
        - fromEntities: [health, kube-apiserver, remote-node, world]
        - fromEndpoints:
            - matchExpressions:
                - {key: name, operator: NotIn, values: [client]}
                - {key: io.cilium.k8s.policy.cluster, operator: Exists}
probes:
  - {from: {pod: cilium-test/client}, to: {node: node-1}, protocol: ICMP}
  - {from: {pod: cilium-test/client}, to: {node: node-2}, protocol: ICMP}
  - {from: {pod: cilium-test/client2}, to: {node: node-1}, protocol: ICMP}
  - {from: {pod: cilium-test/client2}, to: {node: node-2}, protocol: ICMP}
  - {from: {node: node-2}, to: {node: node-1}, protocol: ICMP}
`);
    expect(verdicts(r)).toEqual(['dropped', 'dropped', 'allowed', 'allowed', 'allowed']);
    expect(r.results.slice(0, 2).map((x) => [x.egress, x.ingress])).toEqual([['allowed', 'dropped'], ['allowed', 'dropped']]);
  });

  it('host egress applies to the node\'s traffic to pods, on its own node too (hf-egress)', () => {
    // manifests/host-firewall-egress.yaml; HostToPod curls every echo pod from the host network of
    // every node and expects ResultPolicyDenyEgressDrop for echo-other-node, ResultOK otherwise.
    const r = evaluate(`options: {hostFirewall: true}
cluster:
  namespaces: [{name: cilium-test}]
  nodes: [{name: node-1, ip: 172.18.0.2}, {name: node-2, ip: 172.18.0.3}]
  pods:
    - {namespace: cilium-test, name: echo-same-node, labels: {name: echo-same-node}, node: node-1}
    - {namespace: cilium-test, name: echo-other-node, labels: {name: echo-other-node}, node: node-2}
    - {namespace: cilium-test, name: host-netns-1, node: node-1, hostNetwork: true}
    - {namespace: cilium-test, name: host-netns-2, node: node-2, hostNetwork: true}
policies:
  - apiVersion: cilium.io/v2
    kind: CiliumClusterwideNetworkPolicy
    metadata: {name: host-firewall-egress}
    spec:
      nodeSelector: {}
      egress:
        - toEntities: [health, kube-apiserver, remote-node, world]
        - toEndpoints:
            - matchExpressions:
                - {key: name, operator: NotIn, values: [echo-other-node]}
                - {key: io.cilium.k8s.policy.cluster, operator: Exists}
probes:
  - {from: {pod: cilium-test/host-netns-1}, to: {pod: cilium-test/echo-same-node}, port: 8080}
  - {from: {pod: cilium-test/host-netns-1}, to: {pod: cilium-test/echo-other-node}, port: 8080}
  - {from: {pod: cilium-test/host-netns-2}, to: {pod: cilium-test/echo-same-node}, port: 8080}
  - {from: {pod: cilium-test/host-netns-2}, to: {pod: cilium-test/echo-other-node}, port: 8080}
`);
    expect(verdicts(r)).toEqual(['allowed', 'dropped', 'allowed', 'dropped']);
    expect([r.results[1].egress, r.results[3].egress]).toEqual(['dropped', 'dropped']);
  });

  it('remote-node admits other nodes and their host-network pods, not a pod on another node (layer3.rst "Entities based")', () => {
    // layer3.rst: remote-node is "any node in any of the connected clusters other than the local
    // host", host-networking containers on them included; a pod keeps its own identity.
    const r = evaluate(`options: {hostFirewall: true}
cluster:
  namespaces: [{name: x}]
  nodes: [{name: node-1, ip: 172.18.0.2}, {name: node-2, ip: 172.18.0.3}]
  pods:
    - {namespace: x, name: pod-2, node: node-2}
    - {namespace: x, name: hostnet-2, node: node-2, hostNetwork: true}
policies:
  - apiVersion: cilium.io/v2
    kind: CiliumClusterwideNetworkPolicy
    metadata: {name: nodes-only}
    spec:
      nodeSelector: {}
      ingress: [{fromEntities: [remote-node]}]
probes:
  - {from: {node: node-2}, to: {node: node-1}, port: 10250}
  - {from: {pod: x/hostnet-2}, to: {node: node-1}, port: 10250}
  - {from: {pod: x/pod-2}, to: {node: node-1}, port: 10250}
`);
    expect(verdicts(r)).toEqual(['allowed', 'allowed', 'dropped']);
  });

  it('the nodeSelector sees the node labels Cilium keeps: kubernetes.io/os selects no node, with a warning', () => {
    // host-firewall.rst's endpoint list shows the host endpoint with k8s:node-access=ssh and
    // reserved:host only, none of a node's kubernetes.io labels: they go through the identity label
    // filter ("any:!kubernetes\\.io", Documentation/operations/performance/scalability/identity-relevant-labels.rst).
    const r = evaluate(`options: {hostFirewall: true}
cluster:
  namespaces: [{name: x}]
  nodes: [{name: node-1, ip: 172.18.0.2, labels: {kubernetes.io/os: linux}}]
  pods: []
policies:
  - apiVersion: cilium.io/v2
    kind: CiliumClusterwideNetworkPolicy
    metadata: {name: linux-nodes}
    spec:
      nodeSelector: {matchLabels: {kubernetes.io/os: linux}}
      ingress: [{toPorts: [{ports: [{port: "22", protocol: TCP}]}]}]
probes:
  - {from: {ip: 10.0.2.2}, to: {node: node-1}, port: 21}
`);
    expect(verdicts(r)).toEqual(['allowed']);
    expect(r.warnings.map(formatWarning)).toEqual([expect.stringMatching(/^s\.yaml:7:5: warning: .*linux-nodes has nodeSelector \{kubernetes\.io\/os=linux\}, which selects no node .*kubernetes\.io\/os, which Cilium leaves out of the host endpoint's labels/)]);
  });
});

// A worker behind an API server outside the cluster, as cluster.external describes it.
const LOCKOUT_CLUSTER = `options: {hostFirewall: true}
cluster:
  namespaces: [{name: x}]
  nodes:
    - {name: worker, ip: 172.18.0.3, labels: {type: worker}}
    - {name: worker2, ip: 172.18.0.4, labels: {type: worker}}
  pods: []
  external: [{ip: 203.0.113.10, identity: kube-apiserver}]
policies:
  - apiVersion: cilium.io/v2
    kind: CiliumClusterwideNetworkPolicy
    metadata: {name: lock-down-ingress-worker-node}
    spec:
      nodeSelector: {matchLabels: {type: worker}}
      ingress:
        - toPorts:
            - ports:
                - {port: "6443", protocol: TCP}
                - {port: "22", protocol: TCP}
                - {port: "2379", protocol: TCP}
                - {port: "4240", protocol: TCP}
                - {port: "8472", protocol: UDP}
`;
const KUBELET_PORT = '                - {port: "10250", protocol: TCP}\n';
const API_PROBE = `probes:
  - {from: {ip: 203.0.113.10}, to: {node: worker}, port: 10250}
`;

describe('lockout warnings (host-firewall.rst: do not block communication with kube-apiserver)', () => {
  it('the docs\' lock-down-ingress example lets in 6443, 4240 and 8472 but not the kubelet: one warning naming policy, nodes and port', () => {
    // host.rst / examples/policies/host/lock-down-ingress.yaml: TCP 22, 6443, 2379, 4240, UDP 8472
    // only. The API server calls the kubelet on TCP 10250 (Kubernetes docs, "Ports and Protocols":
    // "10250 Kubelet API, used by Self, Control plane"), so that probe is dropped and warned about.
    const r = evaluate(LOCKOUT_CLUSTER + API_PROBE);
    expect(verdicts(r)).toEqual(['dropped']);
    expect(r.warnings.map(formatWarning)).toEqual([
      's.yaml:10:5: warning: host policy lockout: CiliumClusterwideNetworkPolicy lock-down-ingress-worker-node (s.yaml:16) puts nodes worker, worker2 in default deny for ingress, ' +
        'and no rule admits the API server (203.0.113.10, kube-apiserver) on TCP/10250, which breaks the API server\'s calls to the kubelet (kubectl logs, exec, port-forward). ' +
        'To allow it, add to ingress: {fromEntities: [kube-apiserver], toPorts: [{ports: [{port: "10250", protocol: TCP}]}]} ' +
        "(Documentation/security/host-firewall.rst: do not block communication with kube-apiserver or the cluster's normal behaviour)",
    ]);
    expect(r.warnings[0].code).toBe('host-policy-lockout');
  });

  it('no warning once 10250 is allowed too', () => {
    const r = evaluate(LOCKOUT_CLUSTER + KUBELET_PORT + API_PROBE);
    expect(verdicts(r)).toEqual(['allowed']);
    expect(r.warnings).toEqual([]);
  });

  it('an egress host policy without the API server warns about TCP/6443, and allowing kube-apiserver on 6443 silences it', () => {
    const egress = (rules: string) => `options: {hostFirewall: true}
cluster:
  namespaces: [{name: x}]
  nodes: [{name: worker, ip: 172.18.0.3}, {name: worker2, ip: 172.18.0.4}]
  pods: []
  external: [{ip: 203.0.113.10, identity: kube-apiserver}]
policies:
  - apiVersion: cilium.io/v2
    kind: CiliumClusterwideNetworkPolicy
    metadata: {name: egress-nodes}
    spec:
      nodeSelector: {}
      egress:
        - toEntities: [remote-node]
${rules}probes:
  - {from: {node: worker}, to: {ip: 203.0.113.10}, port: 6443}
`;
    const locked = evaluate(egress(''));
    expect(verdicts(locked)).toEqual(['dropped']);
    expect(locked.warnings.map(formatWarning)).toEqual([expect.stringMatching(/^s\.yaml:8:5: warning: host policy lockout: .* puts nodes worker, worker2 in default deny for egress, and no rule admits the API server \(203\.0\.113\.10, kube-apiserver\) on TCP\/6443, .*add to egress: \{toEntities: \[kube-apiserver\], toPorts: \[\{ports: \[\{port: "6443", protocol: TCP\}\]\}\]\}/)]);
    const open = evaluate(egress('        - toEntities: [kube-apiserver]\n          toPorts: [{ports: [{port: "6443", protocol: TCP}]}]\n'));
    expect(verdicts(open)).toEqual(['allowed']);
    expect(open.warnings).toEqual([]);
  });

  it('a warning never fails `netpol-labs simulate`: exit code 0, the warning on stderr and in the JSON', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io = {readFile: () => LOCKOUT_CLUSTER + API_PROBE, stdout: (t: string) => void stdout.push(t), stderr: (t: string) => void stderr.push(t)};
    expect(await simulateCli(['s.yaml'], io)).toBe(0);
    expect(stderr.join('')).toMatch(/^s\.yaml:10:5: warning: host policy lockout: /);
    expect(stdout.join('')).toContain('probe 0: 203.0.113.10 -> node worker TCP/10250: dropped');
    stdout.length = 0;
    expect(await simulateCli(['--json', 's.yaml'], io)).toBe(0);
    expect(JSON.parse(stdout.join('')).scenarios[0].warnings.map((w: {code: string}) => w.code)).toEqual(['host-policy-lockout']);
  });
});

describe('what Cilium refuses in host policies stays refused', () => {
  const hostPolicy = (kind: string, rule: string) => `cluster:
  namespaces: [{name: x}]
  nodes: [{name: node-1}]
  pods: []
policies:
  - apiVersion: cilium.io/v2
    kind: ${kind}
    metadata: {name: p${kind === 'CiliumNetworkPolicy' ? ', namespace: x' : ''}}
    spec:
      nodeSelector: {}
${rule}probes: []
`;

  it('L7 rules on host ingress, HTTP rules on host egress (rule_validation.go, TestL7RulesWithNodeSelector)', () => {
    expect(errorsOf(hostPolicy('CiliumClusterwideNetworkPolicy', '      ingress: [{toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{}]}}]}]\n'))).toEqual([
      expect.stringMatching(/^s\.yaml:11:81: .*host policy .*"L7 policy is not supported on host ingress yet"/),
    ]);
    expect(errorsOf(hostPolicy('CiliumClusterwideNetworkPolicy', '      egress: [{toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{}]}}]}]\n'))).toEqual([
      expect.stringMatching(/^s\.yaml:11:80: .*"L7 protocol HTTP is not supported on host egress yet"/),
    ]);
  });

  it('DNS rules on host egress, which Cilium accepts as beta (host.rst), are refused as not modelled rather than evaluated wrongly', () => {
    expect(errorsOf(hostPolicy('CiliumClusterwideNetworkPolicy', '      egress: [{toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchName: a.com}]}}]}]\n'))).toEqual([
      expect.stringMatching(/^s\.yaml:11:79: .*DNS rules in a host policy .*does not model the host's DNS proxy/),
    ]);
  });

  it('a namespaced CiliumNetworkPolicy with nodeSelector (cnp_types.go Parse: "rule cannot have NodeSelector")', () => {
    expect(errorsOf(hostPolicy('CiliumNetworkPolicy', '      ingress: [{fromEntities: [cluster]}]\n'))).toEqual([
      expect.stringMatching(/^s\.yaml:10:21: .*cannot have a nodeSelector; Cilium refuses the whole policy .*"rule cannot have NodeSelector".*CiliumClusterwideNetworkPolicy/),
    ]);
  });
});
