/**
 * The SCTP probe in the lab format and the netpol-sctp lab: what the loader refuses (exact text and
 * position, counted from the lab's own lab.yaml), what the simulator predicts at each step, and the
 * kind plan's client command. The expected outcomes are argued from the sources, not from the engine:
 * a NetworkPolicy port's protocol is one of TCP, UDP, SCTP and a rule matches only its own
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#network-traffic-filtering,
 * "TCP, UDP, and optionally SCTP"; the
 * upstream e2e "should not allow access by TCP when a policy specifies only SCTP",
 * kubernetes/kubernetes test/e2e/network/netpol/network_policy.go, allows SCTP on one port and
 * expects a TCP connection to it to fail), a pod selected by an Ingress policy admits only what a
 * rule allows, and a pod no policy selects admits everything.
 */
import {readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {plan} from '../dry-run-plan';
import {formatLabError, parseLab} from '../../src/lab';
import {possibleOutcomes} from '../../src/lab/outcome';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {simulateStep} from '../../src/lab/simulate-step';
import {KIND_CONTEXT} from '../../src/runner/constants';

const ROOT = resolve(__dirname, '../..');
const DIR = 'labs/netpol-sctp';
const TEXT = readFileSync(join(ROOT, DIR, 'lab.yaml'), 'utf8');
const APP = readFileSync(join(ROOT, DIR, 'app.yaml'), 'utf8');

/** Loads a variant of the lab (and of its app); the formatted errors. */
function load(text: string, app = APP): string[] {
  const read = (path: string) => (path === 'app.yaml' ? app : (() => {
    try {
      return readFileSync(join(ROOT, DIR, path), 'utf8');
    } catch {
      return undefined;
    }
  })());
  const {lab, errors} = parseLab(text, `${DIR}/lab.yaml`, read, 'netpol-sctp');
  return lab ? [] : errors.map(formatLabError);
}

/** `file:line:col` of the first occurrence of `needle` in `text` (1-based). */
function at(text: string, needle: string): string {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`fixture text has no ${needle}`);
  const before = text.slice(0, index);
  return `${DIR}/lab.yaml:${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`;
}

/** The first probe of the lab, as written, to break one line of it. */
const FIRST = '      - from: technician\n        sctp: comms.scarif:3868\n        expect: allowed\n        why: "No policy selects the relay. This';

describe('lab loader: SCTP probes', () => {
  it('accepts the lab and resolves its SCTP probes to the headless Service, as an SCTP request', () => {
    expect(load(TEXT)).toEqual([]);
    const lab = readLabOrThrow(join(ROOT, DIR), ROOT);
    const probe = lab.steps[0].probes[0];
    expect(probe.kind).toBe('sctp');
    expect(probe.label).toBe('SCTP comms.scarif:3868');
    expect(probe.request).toEqual({kind: 'sctp', host: 'comms.scarif', port: 3868});
    expect(probe.target).toMatchObject({service: 'comms', namespace: 'scarif', port: 3868, resolvesName: true});
  });

  it('can be allowed, dropped or unresolved, never l7-denied: Cilium\'s L7 rules apply to TCP only', () => {
    expect(possibleOutcomes({kind: 'sctp', resolvesName: true, fromOutside: false})).toEqual(['allowed', 'dropped', 'unresolved']);
    expect(possibleOutcomes({kind: 'sctp', resolvesName: false, fromOutside: false})).toEqual(['allowed', 'dropped']);
    const text = TEXT.replace(FIRST, FIRST.replace('expect: allowed', 'expect: l7-denied'));
    expect(load(text)).toEqual([
      `${at(text, 'l7-denied')}: an SCTP association carries no request an L7 rule could refuse (Cilium's L7 rules apply to TCP only), so it cannot be l7-denied; expect allowed or dropped`,
    ]);
  });

  it('refuses an SCTP probe from outside, which would reach the pod through a Service\'s virtual address', () => {
    const text = TEXT.replace('namespace: scarif\n', 'namespace: scarif\noutside:\n  ip: 172.30.0.250\n').replace(FIRST, FIRST.replace('from: technician', 'from: outside'));
    expect(load(text)).toEqual([
      `${at(text, 'comms.scarif:3868')}: a machine outside the cluster reaches pods only through a node port, and Cilium supports SCTP with policy from pod to pod only (no policy for SCTP to a Service's virtual address); probe SCTP from a pod of the app`,
    ]);
  });

  it('refuses a Service with a ClusterIP, and says to make it headless', () => {
    const app = APP.replace('  clusterIP: None\n', '');
    expect(app).not.toBe(APP);
    // Every SCTP probe of the lab names the Service: each is refused, the first where it is written.
    const errors = load(TEXT, app);
    expect(errors).toHaveLength(TEXT.split('sctp: comms.scarif:3868').length - 1);
    expect(errors[0]).toBe(
      `${at(TEXT, 'comms.scarif:3868')}: Service "comms" has a ClusterIP, and Cilium enforces no policy on SCTP to a Service's virtual IP (sctp.rst: "Policies for pod-to-VIP" is not supported); make it headless (clusterIP: None), so its name resolves to its pods' addresses`,
    );
  });

  it('refuses a port the Service does not serve over SCTP, naming the ports it has', () => {
    const text = TEXT.replace(FIRST, FIRST.replace('sctp: comms.scarif:3868', 'sctp: comms.scarif:3869'));
    expect(load(text)).toEqual([`${at(text, 'comms.scarif:3869')}: Service "comms" has no SCTP port 3869; its ports are 3868/SCTP, 3868/TCP`]);
    // TCP 3868 exists, SCTP 3868 is another port: without the SCTP port, the probe is refused.
    const tcpOnly = APP.replace('    - name: diameter\n      port: 3868\n      protocol: SCTP\n', '');
    expect(load(TEXT, tcpOnly)[0]).toBe(`${at(TEXT, 'comms.scarif:3868')}: Service "comms" has no SCTP port 3868; its ports are 3868/TCP`);
  });

  it('refuses a port out of range, naming the range', () => {
    const text = TEXT.replace(FIRST, FIRST.replace('sctp: comms.scarif:3868', 'sctp: comms.scarif:0'));
    expect(load(text)).toEqual([`${at(text, 'comms.scarif:0')}: port 0 is out of range; an SCTP port is 1-65535`]);
  });

  it('refuses a headless Service port whose numeric targetPort differs from the port the client dials', () => {
    const app = APP.replace('      port: 3868\n      protocol: SCTP\n', '      port: 3868\n      targetPort: 3869\n      protocol: SCTP\n');
    expect(load(TEXT, app)[0]).toBe(
      `${at(TEXT, 'comms.scarif:3868')}: Service "comms" is headless, so the client connects to port 3868 of the pod itself, but this port names targetPort 3869; write targetPort: 3868 or leave it out (Cilium does not rewrite SCTP ports either)`,
    );
  });

  it('refuses the API server\'s Service, which has no SCTP port', () => {
    const text = TEXT.replace(FIRST, FIRST.replace('sctp: comms.scarif:3868', 'sctp: kubernetes.default:443'));
    expect(load(text)).toEqual([
      `${at(text, 'kubernetes.default:443')}: kubernetes.default is the API server's Service (kubernetes in namespace default), which serves only TCP port 443; probe it with tcp: kubernetes.default:443`,
    ]);
  });

  it('refuses a host socat would read as address syntax', () => {
    const text = TEXT.replace(FIRST, FIRST.replace('sctp: comms.scarif:3868', 'sctp: "comms.scarif:3868,fork"'));
    expect(load(text)).toEqual([`${at(text, '"comms.scarif:3868,fork"')}: sctp "comms.scarif:3868,fork": an SCTP probe is HOST:PORT, like "comms.empire.svc.cluster.local:3868"`]);
  });
});

describe('netpol-sctp in the simulator (Cilium datapath)', () => {
  const lab = readLabOrThrow(join(ROOT, DIR), ROOT);
  // [client, what, expected], argued in this file's header for each step.
  const expected: Record<string, [string, string, string][]> = {
    // No policy selects the relay: everything is admitted, SCTP and TCP alike.
    'no-policy': [
      ['technician', 'SCTP comms.scarif:3868', 'allowed'],
      ['stormtrooper', 'SCTP comms.scarif:3868', 'allowed'],
      ['technician', 'TCP comms.scarif:3868', 'allowed'],
    ],
    // Only technicians over SCTP 3868: TCP 3868 is another protocol, the trooper another peer.
    'sctp-only': [
      ['technician', 'SCTP comms.scarif:3868', 'allowed'],
      ['technician', 'TCP comms.scarif:3868', 'dropped'],
      ['stormtrooper', 'SCTP comms.scarif:3868', 'dropped'],
    ],
    // The reverse.
    'tcp-only': [
      ['technician', 'TCP comms.scarif:3868', 'allowed'],
      ['technician', 'SCTP comms.scarif:3868', 'dropped'],
      ['stormtrooper', 'TCP comms.scarif:3868', 'dropped'],
    ],
  };

  it('has exactly the steps argued here', () => {
    expect(lab.steps.map((s) => s.id)).toEqual(Object.keys(expected));
  });

  for (const [id, rows] of Object.entries(expected)) {
    it(`${id}: predicts each probe as argued, and as lab.yaml expects`, () => {
      const step = lab.steps.find((s) => s.id === id)!;
      const sim = simulateStep(lab, step, {datapath: 'cilium'});
      expect(sim.errors).toEqual([]);
      expect(step.probes.map((p) => [p.from, p.label, p.expect])).toEqual(rows);
      expect(sim.predictions.map((p) => p.outcome)).toEqual(rows.map((r) => r[2]));
    });
  }
});

describe('netpol-sctp on kind (dry run)', () => {
  it('associates with socat from the client pod, to the Service\'s absolute name, with a 4 s connect timeout', async () => {
    const {code, lines, commands} = await plan(['run', 'netpol-sctp', '--target', 'kind', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    const socat = `kubectl --context ${KIND_CONTEXT} exec --namespace scarif technician -- socat -d -d -u /dev/null SCTP-CONNECT:comms.scarif.svc.cluster.local.:3868,connect-timeout=4`;
    expect(commands).toContain(socat);
    // Cilium is installed with its SCTP support on, before any probe: off, it drops every SCTP packet
    // (cilium/cilium Documentation/configuration/sctp.rst, "Enabling": --set sctp.enabled=true).
    const install = commands.findIndex((c) => c.startsWith('cilium install '));
    expect(commands[install]).toMatch(/ --set sctp\.enabled=true( |$)/);
    expect(install).toBeLessThan(commands.indexOf(socat));
    // One socat per SCTP probe, and none for the TCP probes (nc).
    const lab = readLabOrThrow(join(ROOT, DIR), ROOT);
    const sctpProbes = lab.steps.flatMap((s) => s.probes).filter((p) => p.kind === 'sctp').length;
    expect(commands.filter((c) => c.includes(' -- socat ')).length).toBe(sctpProbes);
  });
});
