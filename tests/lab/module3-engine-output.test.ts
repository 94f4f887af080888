/**
 * Module 3 shows the engine's own words: the errors for rules Cilium refuses (rule-structure page)
 * and the verdicts and warnings for host policies on kind's two nodes (host-policies page). These
 * tests run the engine on the files under labs/ that those pages show, check the outcomes against
 * what Cilium documents, and check that the page quotes the output verbatim, so the lesson cannot
 * drift from the simulator.
 */
import {readFileSync, readdirSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, formatWarning, parsePolicyDocuments, type Probe, type Scenario} from '../../src/policy';

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
 * The page's table, row by row, with the verdict Cilium's host firewall gives
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
  const lockout = 'labs/cilium-host-policies/all-nodes-ssh-only.yaml';

  it('the workers-only policy, host firewall on: each row of the page has the verdict the engine gives, and no warning', () => {
    const result = evaluateScenario(kindScenario(workers, true, ROWS.map((r) => r.probe)));
    expect(result.errors.map(formatError)).toEqual([]);
    expect(result.warnings.map(formatWarning)).toEqual([]);
    ROWS.forEach((row, i) => {
      expect(result.results[i].verdict, `${row.from} -> ${row.to} ${row.traffic}`).toBe(row.verdict);
      expect(page).toContain(`| ${row.from} | ${row.to} | ${row.traffic} | ${row.verdict} |`);
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

  it('shows both policies', () => {
    expect(page).toContain(`path="${workers}"`);
    expect(page).toContain(`path="${lockout}"`);
  });
});
