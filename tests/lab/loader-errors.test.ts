// The lab loader's error messages, exact text and position. Positions are counted by hand from
// the fixture texts below (line 1 is the first line of each template literal).
import {describe, expect, it} from 'vitest';
import {formatLabError, parseLab} from '../../src/lab';

const APP = `# app
apiVersion: v1
kind: Namespace
metadata:
  name: star-wars
---
apiVersion: v1
kind: Service
metadata:
  name: deathstar
  namespace: star-wars
spec:
  selector: {class: deathstar}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata:
  name: tiefighter
  namespace: star-wars
`;

const POLICY = `# allow empire
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-empire
  namespace: star-wars
spec:
  podSelector: {}
`;

const FILES: Record<string, string> = {'app.yaml': APP, 'allow.yaml': POLICY};

function load(text: string, files: Record<string, string> = FILES): string[] {
  const {lab, errors} = parseLab(text, 'labs/demo/lab.yaml', (p) => files[p], 'demo');
  if (lab) return [];
  return errors.map(formatLabError);
}

/** A valid lab; each test breaks one line of it. */
const GOOD = `id: demo
title: Demo
namespace: star-wars
app: [app.yaml]
steps:
  - id: one
    title: One
    policies: [allow.yaml]
    probes:
      - from: tiefighter
        method: POST
        url: http://deathstar.star-wars.svc.cluster.local/v1/request-landing
        expect: allowed
        why: because
`;

describe('lab loader errors', () => {
  it('accepts the valid fixture', () => {
    const {lab, errors} = parseLab(GOOD, 'labs/demo/lab.yaml', (p) => FILES[p], 'demo');
    expect(errors).toEqual([]);
    expect(lab?.steps[0].probes[0].target).toEqual({
      service: 'deathstar',
      namespace: 'star-wars',
      host: 'deathstar.star-wars.svc.cluster.local',
      port: 80,
      path: '/v1/request-landing',
      // A Service name: the client looks it up before it connects.
      resolvesName: true,
    });
  });

  it('reports a YAML syntax error where it is', () => {
    // line 6 "  - id: one" followed by a line indented into the middle of a mapping.
    const broken = GOOD.replace('    title: One\n', '    title: One\n   bad: [unclosed\n');
    const [first] = load(broken);
    expect(first).toMatch(/^labs\/demo\/lab\.yaml:8:\d+: YAML syntax error: /);
  });

  it('names an unknown key, where it is written, and the keys that are allowed', () => {
    const text = GOOD.replace('        expect: allowed', '        expected: allowed');
    expect(load(text)).toEqual([
      'labs/demo/lab.yaml:10:9: missing required key "expect" in a probe',
      'labs/demo/lab.yaml:13:9: unknown key "expected" in a probe; did you mean "expect"? allowed keys are from, url, method, headers, host, grpc, tcp, sctp, dns, icmp, expect, body, destructive, why',
    ]);
  });

  it('reads a step\'s policyAuditMode, and refuses a value that is not a boolean at its position', () => {
    const audited = parseLab(GOOD.replace('    policies: [allow.yaml]\n', '    policies: [allow.yaml]\n    policyAuditMode: true\n'), 'labs/demo/lab.yaml', (p) => FILES[p], 'demo');
    expect(audited.errors).toEqual([]);
    expect(audited.lab?.steps[0].policyAuditMode).toBe(true);
    // Without the key the step enforces, as a cluster does by default.
    expect(parseLab(GOOD, 'labs/demo/lab.yaml', (p) => FILES[p], 'demo').lab?.steps[0].policyAuditMode).toBeUndefined();
    // Line 9 is the inserted key; its value starts after "    policyAuditMode: " (21 characters).
    expect(load(GOOD.replace('    policies: [allow.yaml]\n', '    policies: [allow.yaml]\n    policyAuditMode: "yes"\n'))).toEqual([
      'labs/demo/lab.yaml:9:22: policyAuditMode "yes": must be true or false, without quotes (true puts the lab\'s pods in policy audit mode for this step)',
    ]);
    // Audit mode is a setting of the endpoints, not of a probe: the key is unknown there.
    expect(load(GOOD.replace('        expect: allowed', '        expect: allowed\n        policyAuditMode: true'))[0]).toMatch(/^labs\/demo\/lab\.yaml:14:9: unknown key "policyAuditMode" in a probe; /);
  });

  it('refuses a destructive probe whose step does not prove L7 filtering first, at its destructive key', () => {
    const put = GOOD.replace('        method: POST\n', '        method: PUT\n').replace('/v1/request-landing', '/v1/exhaust-port').replace('expect: allowed', 'expect: l7-denied\n        destructive: true');
    expect(load(put)).toEqual([
      'labs/demo/lab.yaml:14:22: this probe is destructive (tiefighter PUT /v1/exhaust-port harms the app if it gets through), so the step needs proof that ' +
        'L7 filtering is in force before it is sent: add a harmless probe from tiefighter to deathstar port 80 that expects l7-denied ' +
        '(for example a GET of a path the HTTP rules do not allow)',
    ]);
    // A harmless probe from the same client to the same Service port that expects l7-denied is the guard.
    const guard = `      - from: tiefighter
        method: GET
        url: http://deathstar.star-wars.svc.cluster.local/v1
        expect: l7-denied
        why: the HTTP rule is in force
`;
    expect(load(put + guard)).toEqual([]);
    // A guard that expects another outcome, or comes from another client, is none.
    expect(load(put + guard.replace('expect: l7-denied', 'expect: dropped'))).toHaveLength(1);
    const other = {...FILES, 'app.yaml': APP + '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: xwing\n  namespace: star-wars\n'};
    expect(load(put + guard.replace('from: tiefighter', 'from: xwing'), other)).toHaveLength(1);
    // The same pod named with its namespace is the same client; the same path on another port is not the same place.
    expect(load(put + guard.replace('from: tiefighter', 'from: star-wars/tiefighter'))).toEqual([]);
  });

  it('rejects an unknown outcome and lists the valid ones', () => {
    const text = GOOD.replace('expect: allowed', 'expect: blocked');
    expect(load(text)).toEqual([
      'labs/demo/lab.yaml:13:17: unknown outcome "blocked"; expected one of allowed, dropped, l7-denied, unresolved',
    ]);
  });

  it('points at a policy file that does not exist', () => {
    const text = GOOD.replace('policies: [allow.yaml]', 'policies: [allow.yaml, deny.yaml]');
    expect(load(text)).toEqual([
      'labs/demo/lab.yaml:8:28: manifest "deny.yaml" does not exist in labs/demo/; create it or correct the name',
    ]);
  });

  it('refuses a probe from a pod the app does not define', () => {
    const text = GOOD.replace('from: tiefighter', 'from: ywing');
    expect(load(text)).toEqual([
      'labs/demo/lab.yaml:10:15: probe from "ywing": the app defines no pod or deployment of that name; expected one of tiefighter',
    ]);
  });

  it('refuses a probe URL naming a service the app does not define', () => {
    const text = GOOD.replace('http://deathstar.star-wars', 'http://deathstar2.star-wars');
    expect(load(text)).toEqual([
      'labs/demo/lab.yaml:12:14: probe URL names Service "deathstar2" in namespace star-wars, which the app does not define; expected one of deathstar',
    ]);
  });

  it('refuses an unknown top-level key', () => {
    expect(load(GOOD + 'extra: 1\n')).toEqual([
      'labs/demo/lab.yaml:15:1: unknown key "extra" in lab.yaml; allowed keys are id, title, namespace, namespaces, names, outside, app, steps',
    ]);
  });

  it('requires the lab id to equal the folder name', () => {
    expect(load(GOOD.replace('id: demo', 'id: other'))).toEqual([
      'labs/demo/lab.yaml:1:5: lab id "other" must equal its folder name "demo"',
    ]);
  });

  it('reports a syntax error inside a manifest at its own file and line', () => {
    const files = {...FILES, 'allow.yaml': POLICY.replace('  podSelector: {}', '  podSelector: {')};
    const errors = load(GOOD, files);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^labs\/demo\/allow\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('refuses a non-policy object in a step', () => {
    const text = GOOD.replace('policies: [allow.yaml]', 'policies: [app.yaml]');
    expect(load(text)[0]).toBe(
      'labs/demo/app.yaml:2:1: a step\'s policies may only contain NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy; this is a Namespace (put it in "app" instead)',
    );
  });

  it('refuses a policy in another namespace', () => {
    const files = {...FILES, 'allow.yaml': POLICY.replace('namespace: star-wars', 'namespace: default')};
    expect(load(GOOD, files)).toEqual([
      'labs/demo/allow.yaml:2:1: policy allow-empire is in namespace "default", but this lab runs in "star-wars"',
    ]);
  });
});

describe('lab loader: what a lab may apply', () => {
  it('refuses a probe URL the URL parser cannot read, at the URL', () => {
    // Port 99999 is outside 1-65535: the WHATWG URL parser rejects it.
    const text = GOOD.replace('http://deathstar.star-wars.svc.cluster.local/', 'http://deathstar.star-wars.svc.cluster.local:99999/');
    expect(load(text)).toEqual([
      'labs/demo/lab.yaml:12:14: url "http://deathstar.star-wars.svc.cluster.local:99999/v1/request-landing": this URL cannot be parsed; check the host name and the port (1-65535)',
    ]);
  });

  it('refuses app objects outside the lab namespace and cluster-scoped kinds', () => {
    const app = `${APP}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: take-over
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: kube-system
`;
    // APP has 20 lines; the ClusterRoleBinding starts on line 22, the ConfigMap on line 27.
    expect(load(GOOD, {...FILES, 'app.yaml': app})).toEqual([
      "labs/demo/app.yaml:22:1: a lab's app may only contain Namespace, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Service, ConfigMap, Secret, ServiceAccount, all in the lab's namespace; this is a ClusterRoleBinding",
      'labs/demo/app.yaml:27:1: ConfigMap settings is in namespace "kube-system", but this lab runs in "star-wars"; a lab only creates objects in its own namespaces (list another under namespaces in lab.yaml)',
    ]);
  });

  it('validates step policies with the policy engine, as the cluster would', () => {
    const policy = `# allow empire
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: allow-empire
  namespace: star-wars
spec:
  description: empire only
  endpointSelector: {}
  ingress:
    - fromEndpoint: [{}]
`;
    // Line 11 "    - fromEndpoint: [{}]": the key starts at column 7.
    expect(load(GOOD, {...FILES, 'allow.yaml': policy})).toEqual([
      'labs/demo/allow.yaml:11:7: unknown field "fromEndpoint" in spec.ingress[0] (a CiliumNetworkPolicy ingress rule); did you mean "fromEndpoints"?',
    ]);
  });
});
