// The deathstar lab (labs/deathstar) evaluated by the engine, exactly as the lab runner's
// simulator will: app manifests -> cluster, policy manifests -> policies, probes to the Service.
// Expected values: the star-wars scenario of Cilium's HTTP getting-started guide
// (cilium/cilium Documentation/gettingstarted/demo.rst, its policies in examples/minikube/), and the L4-wildcards-L7 merge rule (layer7.rst: "If a layer 4
// rule is specified in the policy, and a similar layer 4 rule with layer 7 rules is also
// specified, then the layer 7 portions of the latter rule will have no effect").
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {clusterFromObjects, evaluateScenario, formatExplanation, parsePolicyDocuments, type Probe, type Scenario} from '../../src/policy';

const LAB = join(__dirname, '../../labs/deathstar');

function read(file: string) {
  const r = parsePolicyDocuments(readFileSync(join(LAB, file), 'utf8'), `labs/deathstar/${file}`);
  expect(r.errors).toEqual([]);
  return r;
}

function scenario(policyFiles: string[], probes: Probe[]): Scenario {
  return {
    cluster: clusterFromObjects(read('app.yaml').others),
    policies: policyFiles.flatMap((f) => read(f).policies),
    probes,
  };
}

const host = 'deathstar.star-wars.svc.cluster.local';
const probe = (ship: 'tiefighter' | 'xwing', method: string, path: string): Probe => ({
  from: {pod: `star-wars/${ship}`},
  to: {service: 'star-wars/deathstar'},
  port: 80,
  protocol: 'TCP',
  http: {method, path, host},
});
const landTie = probe('tiefighter', 'POST', '/v1/request-landing');
const landXwing = probe('xwing', 'POST', '/v1/request-landing');
const exhaust = probe('tiefighter', 'PUT', '/v1/exhaust-port');
const getV1 = probe('tiefighter', 'GET', '/v1');

function verdicts(policies: string[], probes: Probe[]) {
  const r = evaluateScenario(scenario(policies, probes));
  expect(r.errors).toEqual([]);
  return r.results;
}

describe('deathstar lab', () => {
  it('no policy: every ship lands (demo.rst, before any policy)', () => {
    expect(verdicts([], [landTie, landXwing]).map((r) => r.verdict)).toEqual(['allowed', 'allowed']);
  });

  it('deathstar-allow-empire: tiefighter allowed, xwing dropped (NetworkPolicy at L3/L4)', () => {
    expect(verdicts(['deathstar-allow-empire.yaml'], [landTie, landXwing]).map((r) => r.verdict)).toEqual(['allowed', 'dropped']);
  });

  it('rule1-l3-l4: tiefighter allowed, xwing dropped (demo.rst "Apply an L3/L4 Policy")', () => {
    expect(verdicts(['rule1-l3-l4.yaml'], [landTie, landXwing, getV1]).map((r) => r.verdict)).toEqual(['allowed', 'dropped', 'allowed']);
  });

  it('rule1-l7: only POST /v1/request-landing; others get 403 "Access denied\\r\\n"; xwing dropped (demo.rst "Apply and Test HTTP-aware L7 Policy")', () => {
    const [land, put, get, xwing] = verdicts(['rule1-l7.yaml'], [landTie, exhaust, getV1, landXwing]);
    expect(land.verdict).toBe('allowed');
    expect(put.verdict).toBe('l7-denied');
    expect(put.http).toEqual({status: 403, body: 'Access denied\r\n'});
    expect(get.verdict).toBe('l7-denied');
    expect(get.http).toEqual({status: 403, body: 'Access denied\r\n'});
    expect(xwing.verdict).toBe('dropped');
  });

  it('deathstar-allow-empire + rule1-l7: the L4-only allow wildcards L7, so GET /v1 is allowed (layer7.rst)', () => {
    const [land, get, put, xwing] = verdicts(['deathstar-allow-empire.yaml', 'rule1-l7.yaml'], [landTie, getV1, exhaust, landXwing]);
    expect([land.verdict, get.verdict, put.verdict, xwing.verdict]).toEqual(['allowed', 'allowed', 'allowed', 'dropped']);
    expect(get.explanation.find((e) => e.reason === 'l7-wildcard')?.rules?.[0]).toMatchObject({kind: 'NetworkPolicy', name: 'deathstar-allow-empire', rule: 'ingress[0]'});
  });

  it('rule1-l7-ingress: as rule1-l7; a pod is never the ingress entity (layer3.rst "ingress")', () => {
    const results = verdicts(['rule1-l7-ingress.yaml'], [landTie, exhaust, getV1, landXwing]);
    expect(results.map((r) => r.verdict)).toEqual(['allowed', 'l7-denied', 'l7-denied', 'dropped']);
  });

  it('explains a drop with the isolating policy, its position, and the chosen backend', () => {
    const [xwing] = verdicts(['rule1-l7.yaml'], [landXwing]);
    const lines = xwing.explanation.map(formatExplanation);
    expect(lines[0]).toBe(
      'note: service star-wars/deathstar port 80/TCP -> backend star-wars/deathstar-0 port 80 (targetPort "http" resolved on deathstar-0\'s container ports); ' +
        '2 backends (deathstar-0, deathstar-1), policy evaluated against the first by name; policy applies after service port mapping (layer4.rst)',
    );
    expect(lines).toContain(
      'ingress: dropped: ingress to star-wars/deathstar-0: star-wars/deathstar-0 is isolated for ingress by CiliumNetworkPolicy star-wars/rule1 (labs/deathstar/rule1-l7.yaml:14), and no rule admits star-wars/xwing on TCP/80',
    );
  });
});
