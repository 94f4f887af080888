/**
 * The API server as a probe target: `tcp: kubernetes.default:443` from a pod. What is expected, and
 * where it comes from:
 *
 * - Every cluster has the Service `kubernetes` in namespace `default`, port 443 (`https`), in front
 *   of the API server (https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/: the
 *   kubernetes.default.svc DNS name "resolves to a Service IP which in turn will be routed to an
 *   API server"). kubeadm, and so kind, runs the API server in the
 *   control-plane node's network on port 6443, which is that Service's endpoint.
 * - Cilium gives the address of a node that serves the API server the kube-apiserver identity with
 *   the node's own label (pkg/identity/numericidentity.go, ReservedIdentityKubeAPIServer: labels
 *   reserved:kube-apiserver and reserved:remote-node), and `toEntities: [kube-apiserver]` selects
 *   that label (pkg/policy/api/entity.go). An identity belongs to an address, so every port of that
 *   node carries it. Documentation/security/policy/layer3.rst "Entities based": kube-apiserver
 *   "represents both deployments of the kube-apiserver: within the cluster and outside of the
 *   cluster"; `cluster` includes it; `host` is the local node only.
 * - A name resolves through the cluster DNS first, so an egress default deny without a rule to
 *   kube-dns leaves it unresolved (layer3.rst "DNS based"; the lab format's `unresolved`).
 */
import {describe, expect, it} from 'vitest';
import {formatLabError, parseLab, type Lab} from '../../src/lab';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {absoluteName} from '../../src/lab/probe-request';
import {simulateLab, simulateStep} from '../../src/lab/simulate-step';
import {connectionProbe, stepScenario} from '../../src/lab/to-scenario';
import {plan} from '../dry-run-plan';

const APP = `apiVersion: v1
kind: Namespace
metadata:
  name: empire
---
apiVersion: v1
kind: Pod
metadata:
  name: tiefighter
  namespace: empire
  labels: {class: tiefighter}
`;

/** Egress of the tiefighter to the API server only: no rule to the cluster DNS. */
const NO_DNS = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: api-only
  namespace: empire
spec:
  endpointSelector: {matchLabels: {class: tiefighter}}
  egress:
    - toEntities: [kube-apiserver]
`;

const FILES: Record<string, string> = {'app.yaml': APP, 'api-only.yaml': NO_DNS};
const PATH = 'labs/api/lab.yaml';

/** A lab whose one step sends `probe` (the lines after `- from: ...`), with the policy given. */
function labText(probe: string, policies = '[]'): string {
  return `id: api
title: API
namespace: empire
app: [app.yaml]
outside: {ip: 172.30.0.100}
steps:
  - id: one
    title: One
    policies: ${policies}
    probes:
${probe}`;
}

function load(text: string): {lab?: Lab; errors: string[]} {
  const {lab, errors} = parseLab(text, PATH, (p) => FILES[p], 'api');
  return {...(lab ? {lab} : {}), errors: errors.map(formatLabError)};
}

/** `file:line:col` of the first occurrence of `needle` in `text`. */
function at(text: string, needle: string): string {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`no ${needle} in the text`);
  const before = text.slice(0, index);
  return `${PATH}:${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`;
}

describe('the lab format: kubernetes.default:443 is the API server', () => {
  it.each(['kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'kubernetes.default.svc.cluster.local.'])('%s:443 names the Service kubernetes of namespace default', (host) => {
    const {lab, errors} = load(labText(`      - from: tiefighter\n        tcp: ${host}:443\n        expect: allowed\n        why: open\n`));
    expect(errors).toEqual([]);
    const [probe] = lab!.steps[0].probes;
    expect(probe.target).toMatchObject({host, service: 'kubernetes', namespace: 'default', port: 443, apiServer: true, resolvesName: true});
    // Once the Service's address is translated, the connection goes to the API server on the control-plane node.
    expect(connectionProbe(lab!, probe)).toEqual({from: {pod: 'empire/tiefighter'}, to: {node: 'netpol-labs-control-plane'}, port: 6443, protocol: 'TCP'});
  });

  it('a DNS probe of the name is a lookup of the Service through the cluster DNS', () => {
    const {lab, errors} = load(labText('      - from: tiefighter\n        dns: kubernetes.default\n        expect: allowed\n        why: open\n'));
    expect(errors).toEqual([]);
    expect(lab!.steps[0].probes[0].target).toMatchObject({service: 'kubernetes', namespace: 'default'});
  });

  it('refuses a url probe: the API server speaks HTTPS only', () => {
    const text = labText('      - from: tiefighter\n        url: http://kubernetes.default/api\n        expect: allowed\n        why: no\n');
    expect(load(text).errors).toEqual([
      `${at(text, 'http://kubernetes.default/api')}: probe URL host kubernetes.default is the API server's Service (kubernetes in namespace default), which speaks only HTTPS, and a url probe sends plain HTTP; probe the connection with tcp: kubernetes.default:443`,
    ]);
  });

  it('refuses a port other than 443: the Service has no other', () => {
    const text = labText('      - from: tiefighter\n        tcp: kubernetes.default.svc:6443\n        expect: allowed\n        why: no\n');
    expect(load(text).errors).toEqual([
      `${at(text, 'kubernetes.default.svc:6443')}: probe kubernetes.default.svc:6443: the API server's Service (kubernetes in namespace default) has only TCP port 443 (https); write kubernetes.default.svc:443`,
    ]);
  });

  it('refuses a ping: a ClusterIP answers none', () => {
    const text = labText('      - from: tiefighter\n        icmp: kubernetes.default\n        expect: allowed\n        why: no\n');
    expect(load(text).errors).toEqual([
      `${at(text, 'kubernetes.default\n')}: kubernetes.default is the API server's Service (kubernetes in namespace default), a ClusterIP, which answers no ping; probe the connection with tcp: kubernetes.default:443`,
    ]);
  });

  it('refuses it from outside, where the cluster DNS name does not resolve, and names the node instead', () => {
    const text = labText('      - from: outside\n        tcp: kubernetes.default:443\n        expect: allowed\n        why: no\n');
    expect(load(text).errors).toEqual([
      `${at(text, 'kubernetes.default:443')}: a machine outside the cluster cannot resolve kubernetes.default, a name of the cluster DNS; from outside, name the API server's node and port: tcp: netpol-labs-control-plane:6443`,
    ]);
  });

  it('the runner sends the full Service name, absolute: kubernetes.default. alone would not resolve', () => {
    for (const host of ['kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']) {
      expect(absoluteName(host, 'empire', ['empire'])).toBe('kubernetes.default.svc.cluster.local.');
    }
  });
});

describe('the simulator: the API server on kind\'s control-plane node', () => {
  it('a lab that probes it gets kind\'s nodes and the control-plane node listed as the API server', () => {
    const {lab} = load(labText('      - from: tiefighter\n        tcp: kubernetes.default:443\n        expect: allowed\n        why: open\n'));
    const {scenario} = stepScenario(lab!, lab!.steps[0]);
    const cp = scenario.cluster.nodes!.find((n) => n.name === 'netpol-labs-control-plane')!;
    expect(scenario.cluster.external).toEqual([{ip: cp.ip, identity: 'kube-apiserver'}]);
  });

  it('an egress default deny without the DNS rule leaves the name unresolved, though kube-apiserver is allowed', () => {
    const {lab, errors} = load(labText('      - from: tiefighter\n        tcp: kubernetes.default:443\n        expect: unresolved\n        why: no DNS rule\n', '[api-only.yaml]'));
    expect(errors).toEqual([]);
    const {predictions} = simulateStep(lab!, lab!.steps[0]);
    expect(predictions.map((p) => p.outcome)).toEqual(['unresolved']);
    expect(predictions[0].lookup?.name).toBe('kubernetes.default.svc.cluster.local');
  });
});

describe('the cilium-identities lab: the API server under each entity', () => {
  const lab = readLabOrThrow('labs/cilium-identities');
  const played = simulateLab(lab);
  const outcomes = (step: string) => {
    const p = played.find((s) => s.step.id === step)!;
    expect(p.simulation.errors).toEqual([]);
    return Object.fromEntries(p.step.probes.map((probe, i) => [`${probe.from} ${probe.label}`, p.simulation.predictions[i].outcome]));
  };

  it('host: the API server is on the other node, so dropped (its name resolves through the DNS rule)', () => {
    expect(outcomes('entity-host')['tiefighter TCP kubernetes.default:443']).toBe('dropped');
  });

  it('remote-node and cluster: the control-plane node that serves it is both, so allowed', () => {
    expect(outcomes('entity-remote-node')['tiefighter TCP kubernetes.default:443']).toBe('allowed');
    expect(outcomes('entity-cluster')['tiefighter TCP kubernetes.default:443']).toBe('allowed');
  });

  it('kube-apiserver: the API server and every other port of its node, not the own node, not a pod on the API server\'s node', () => {
    expect(outcomes('entity-kube-apiserver')).toEqual({
      'tiefighter TCP kubernetes.default:443': 'allowed',
      'tiefighter TCP beacon-cp:8080': 'allowed',
      'tiefighter TCP beacon-worker:8080': 'dropped',
      'tiefighter GET /v1': 'dropped',
    });
  });

  it('comes after the entity steps that show it dropped (host) and allowed by broader entities', () => {
    const ids = lab.steps.map((s) => s.id);
    expect(ids.indexOf('entity-kube-apiserver')).toBe(ids.indexOf('entity-cluster') + 1);
    expect(ids.indexOf('entity-host')).toBeLessThan(ids.indexOf('entity-kube-apiserver'));
  });
});

describe('run cilium-identities --step entity-kube-apiserver --target kind --dry-run', () => {
  it('probes the API server by its full absolute name from the tiefighter, and touches nothing in namespace default', async () => {
    const {code, lines, commands} = await plan(['run', 'cilium-identities', '--target', 'kind', '--step', 'entity-kube-apiserver', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    expect(commands).toContain('kubectl --context kind-netpol-labs exec --namespace empire tiefighter -- nc -z -v -w 2 kubernetes.default.svc.cluster.local. 443');
    expect(commands.filter((c) => /(--namespace|-n) default\b|namespace\/default\b/.test(c))).toEqual([]);
  });
});
