/**
 * Module 3 shows the engine's own words: the errors for rules Cilium refuses (rule-structure page)
 * and the verdicts and warnings for host policies on kind's two nodes (host-policies page and its lab). These
 * tests run the engine on the files under labs/ that those pages show, check the outcomes against
 * what Cilium documents, and check that the page quotes the output verbatim, so the lesson cannot
 * drift from the simulator.
 */
import {readFileSync, readdirSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, formatWarning, parsePolicyDocuments, type Probe, type Scenario} from '../../src/policy';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {simulateLab} from '../../src/lab/simulate-step';
import {stepScenario} from '../../src/lab/to-scenario';

const read = (path: string) => readFileSync(path, 'utf8');

describe('the rule-structure page: every refused example, with the error Cilium (and the simulator) gives', () => {
  const page = read('docs/cilium-policy/rule-structure.mdx');
  const files = readdirSync('labs/cilium-refused').filter((f) => f.endsWith('.yaml')).sort();

  it('has examples', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  // Which field each example is about, and the message Cilium's rule_validation.go (or the CRD,
  // for the removed fields) gives for it: what the engine must say in its own words too.
  const expected: Record<string, {at: string; says: RegExp}> = {
    'dns-rules-on-ingress.yaml': {at: 'spec.ingress[0].toPorts[0].rules.dns', says: /DNS rules are not allowed on ingress/},
    'endpoints-and-entities.yaml': {at: 'spec.ingress[0]', says: /combining fromEndpoints and fromEntities is not supported yet/},
    'fqdns-and-endpoints.yaml': {at: 'spec.egress[0]', says: /combining toEndpoints and toFQDNs is not supported yet/},
    'from-requires.yaml': {at: 'spec.ingress[0].fromRequires', says: /removed from CiliumNetworkPolicy in Cilium 1\.19/},
    'icmps-and-ports.yaml': {at: 'spec.ingress[0]', says: /the ICMPs block may only be present without ToPorts/},
    'unknown-entity.yaml': {at: 'spec.ingress[0].fromEntities[0]', says: /not a valid entity.*did you mean "remote-node"/},
  };

  it.each(files)('%s is refused for the documented reason, and the page shows the file and the error verbatim', (file) => {
    const path = `labs/cilium-refused/${file}`;
    const {policies, errors} = parsePolicyDocuments(read(path), path, {defaultNamespace: 'empire'});
    expect(policies, 'a refused policy is in force nowhere').toEqual([]);
    expect(errors).toHaveLength(1);
    const want = expected[file];
    expect(want, `${file}: say in this test which field it is about and what Cilium says`).toBeDefined();
    expect(errors[0].message.startsWith(want.at)).toBe(true);
    expect(errors[0].message).toMatch(want.says);
    expect(page).toContain(`path="${path}"`);
    expect(page, `the page should quote the error for ${file}`).toContain(formatError(errors[0]));
  });
});

/** kind's cluster as `netpol-labs up` makes it: a control plane (kubeadm's role label) and a worker. */
function kindScenario(policyFile: string, hostFirewall: boolean, probes: Probe[]): Scenario {
  const {policies, errors} = parsePolicyDocuments(read(policyFile), policyFile, {});
  expect(errors.map(formatError)).toEqual([]);
  return {
    datapath: 'cilium',
    options: {hostFirewall},
    cluster: {
      namespaces: [{name: 'empire'}],
      nodes: [
        {name: 'netpol-labs-control-plane', ip: '172.18.0.2', labels: {'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'netpol-labs-control-plane', 'kubernetes.io/os': 'linux'}},
        {name: 'netpol-labs-worker', ip: '172.18.0.3', labels: {'kubernetes.io/hostname': 'netpol-labs-worker', 'kubernetes.io/os': 'linux'}},
      ],
      pods: [{namespace: 'empire', name: 'tiefighter', node: 'netpol-labs-worker', labels: {class: 'tiefighter'}}],
    },
    policies,
    probes,
  };
}

const OUTSIDE = '172.30.0.100';

/**
 * Traffic the lab cannot send (from the API server's node; to the kubelet from a pod), with the
 * verdict Cilium's host firewall gives
 * (Documentation/security/host-firewall.rst and policy/host.rst: a host policy applies to traffic to
 * the nodes it selects, from pods, other nodes and outside alike; nodes it does not select keep no
 * host policy; `cluster` admits pods and nodes; `world` is any address outside the cluster).
 */
const ROWS: {from: string; to: string; traffic: string; verdict: 'allowed' | 'dropped'; probe: Probe}[] = [
  {from: 'the tiefighter, a pod on the worker', to: 'netpol-labs-worker', traffic: 'TCP 10250 (kubelet)', verdict: 'allowed', probe: {from: {pod: 'empire/tiefighter'}, to: {node: 'netpol-labs-worker'}, port: 10250}},
  {from: 'the control-plane node (API server)', to: 'netpol-labs-worker', traffic: 'TCP 10250 (kubelet)', verdict: 'allowed', probe: {from: {node: 'netpol-labs-control-plane'}, to: {node: 'netpol-labs-worker'}, port: 10250}},
  {from: `outside, ${OUTSIDE}`, to: 'netpol-labs-worker', traffic: 'TCP 10250 (kubelet)', verdict: 'dropped', probe: {from: {ip: OUTSIDE}, to: {node: 'netpol-labs-worker'}, port: 10250}},
  {from: `outside, ${OUTSIDE}`, to: 'netpol-labs-worker', traffic: 'TCP 22 (SSH)', verdict: 'allowed', probe: {from: {ip: OUTSIDE}, to: {node: 'netpol-labs-worker'}, port: 22}},
  {from: `outside, ${OUTSIDE}`, to: 'netpol-labs-worker', traffic: 'ping', verdict: 'allowed', probe: {from: {ip: OUTSIDE}, to: {node: 'netpol-labs-worker'}, protocol: 'ICMP'}},
  {from: `outside, ${OUTSIDE}`, to: 'netpol-labs-control-plane', traffic: 'TCP 10250 (kubelet)', verdict: 'allowed', probe: {from: {ip: OUTSIDE}, to: {node: 'netpol-labs-control-plane'}, port: 10250}},
];

describe('the host-policies page: host policies on kind, as the simulator predicts them', () => {
  const page = read('docs/cilium-policy/host-policies.mdx');
  const workers = 'labs/cilium-host-policies/workers-host-policy.yaml';
  const lockout = 'labs/host-policy-lockout/all-nodes-ssh-only.yaml';

  it('the workers-only policy, host firewall on: each piece of traffic has the documented verdict, and no warning', () => {
    const result = evaluateScenario(kindScenario(workers, true, ROWS.map((r) => r.probe)));
    expect(result.errors.map(formatError)).toEqual([]);
    expect(result.warnings.map(formatWarning)).toEqual([]);
    ROWS.forEach((row, i) => {
      expect(result.results[i].verdict, `${row.from} -> ${row.to} ${row.traffic}`).toBe(row.verdict);
    });
  });

  it('the same policy with the host firewall off: everything allowed, and the page quotes the warning', () => {
    const result = evaluateScenario(kindScenario(workers, false, ROWS.map((r) => r.probe)));
    expect(result.results.map((r) => r.verdict)).toEqual(ROWS.map(() => 'allowed'));
    expect(result.warnings).toHaveLength(1);
    expect(page).toContain(formatWarning(result.warnings[0]));
  });

  it('the SSH-only policy on every node: the page quotes each lockout warning, and they name the API server, the health checks, the tunnel and the kubelet', () => {
    const result = evaluateScenario(kindScenario(lockout, true, [ROWS[1].probe]));
    expect(result.results[0].verdict, 'the API server can no longer reach the kubelet').toBe('dropped');
    const warnings = result.warnings.map(formatWarning);
    expect(warnings.join('\n')).toMatch(/TCP\/6443/);
    expect(warnings.join('\n')).toMatch(/TCP\/4240/);
    expect(warnings.join('\n')).toMatch(/UDP\/8472/);
    expect(warnings.join('\n')).toMatch(/TCP\/10250/);
    for (const w of warnings) expect(page).toContain(w);
  });

  it('shows both policies, the app and both lab steps; the lockout policy is no step of the lab', () => {
    expect(page).toContain(`path="${workers}"`);
    expect(page).toContain(`path="${lockout}"`);
    expect(page).toContain('path="labs/cilium-host-policies/app.yaml"');
    for (const step of ['no-host-policy', 'workers-host-policy']) {
      expect(page).toContain(`<ProbeTable lab={lab} step="${step}" />`);
      expect(page).toContain(`<RunStep lab={lab} step="${step}" />`);
    }
    const lab = readLabOrThrow('labs/cilium-host-policies');
    expect(lab.steps.flatMap((s) => s.policies.map((p) => p.path))).not.toContain('all-nodes-ssh-only.yaml');
  });
});

/**
 * The lab itself in the simulator, which must play it as on the kind cluster `up` makes for it:
 * the host firewall on (the lab has a host policy) and kind's nodes with their labels. Each probe's
 * expected verdict comes from Cilium's documentation, not from lab.yaml:
 * - Documentation/security/host-firewall.rst: with the host firewall on, a node no host policy
 *   selects enforces nothing (policy enforcement mode `default`: an endpoint no rule selects
 *   allows everything), and a host policy with ingress rules puts the selected nodes in default
 *   deny for ingress, as for pods (Documentation/security/policy/host.rst).
 * - Documentation/security/policy/layer3.rst, entities: `world` is everything outside the
 *   cluster (the outside machine), `cluster` covers every pod and node; ICMP rules match the echo
 *   request type.
 * - kubeadm labels only the control plane node-role.kubernetes.io/control-plane, so `DoesNotExist`
 *   on it selects the worker and not the control plane.
 */
describe('the cilium-host-policies lab in the simulator', () => {
  const lab = readLabOrThrow('labs/cilium-host-policies');
  const played = simulateLab(lab);
  const verdicts = (step: string) => played.find((p) => p.step.id === step)!.simulation.predictions.map((p) => p.outcome);
  const labels = (step: string) => played.find((p) => p.step.id === step)!.step.probes.map((p) => `${p.from} ${p.label}`);

  it('runs with the host firewall on and kind\'s two nodes, labelled as kubeadm and the kubelet label them', () => {
    const {scenario} = stepScenario(lab, lab.steps[0]);
    expect(scenario.options?.hostFirewall).toBe(true);
    const nodes = Object.fromEntries((scenario.cluster.nodes ?? []).map((n) => [n.name, n.labels ?? {}]));
    expect(Object.keys(nodes).sort()).toEqual(['netpol-labs-control-plane', 'netpol-labs-worker']);
    expect(nodes['netpol-labs-control-plane']['node-role.kubernetes.io/control-plane']).toBe('');
    expect(nodes['netpol-labs-worker']).not.toHaveProperty('node-role.kubernetes.io/control-plane');
    for (const n of Object.values(nodes)) expect(n['kubernetes.io/os']).toBe('linux');
    expect(nodes['netpol-labs-worker']['kubernetes.io/hostname']).toBe('netpol-labs-worker');
  });

  it('a lab without a host policy keeps the host firewall off', () => {
    const other = readLabOrThrow('labs/cilium-identities');
    expect(stepScenario(other, other.steps[0]).scenario.options?.hostFirewall).toBeUndefined();
  });

  it('before any host policy: every probe gets in', () => {
    expect(played.every((p) => p.simulation.errors.length === 0)).toBe(true);
    expect(labels('no-host-policy')).toEqual([
      'outside TCP netpol-labs-worker:8080',
      'outside TCP netpol-labs-worker:22',
      'outside TCP netpol-labs-worker:10250',
      'outside ping netpol-labs-worker',
      'probe-droid TCP beacon-worker:8080',
    ]);
    expect(verdicts('no-host-policy')).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'allowed']);
  });

  it('the workers policy: the world on SSH and ping only, the cluster on every port, the control plane untouched', () => {
    expect(labels('workers-host-policy')).toEqual([
      'outside TCP netpol-labs-worker:22',
      'outside ping netpol-labs-worker',
      'outside TCP netpol-labs-worker:8080',
      'outside TCP netpol-labs-worker:10250',
      'probe-droid TCP beacon-worker:8080',
      'outside TCP netpol-labs-control-plane:8080',
    ]);
    expect(verdicts('workers-host-policy')).toEqual(['allowed', 'allowed', 'dropped', 'dropped', 'allowed', 'allowed']);
  });

  it('with the firewall off the same step would enforce nothing: the lab-level setting is what makes the drops', () => {
    const step = lab.steps.find((s) => s.id === 'workers-host-policy')!;
    const {scenario} = stepScenario(lab, step);
    const off = evaluateScenario({...scenario, options: {...scenario.options, hostFirewall: false}});
    expect(off.results.map((r) => r.verdict)).toEqual(step.probes.map(() => 'allowed'));
  });
});
