/**
 * Probes added in the playground: the lab format decides which are allowed, and the engine predicts
 * them exactly as it predicts the same probe written in lab.yaml.
 */
import {describe, expect, it} from 'vitest';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import type {Lab, Probe} from '../../src/lab/load';
import {evaluatePlayground} from '../../src/components/Playground/evaluate';
import {initialEditorText} from '../../src/components/Playground/editorText';
import {checkExtraProbe, probeChoices, type ExtraProbe} from '../../src/components/Playground/extraProbes';

const labs = listLabDirs().map((dir) => readLabOrThrow(dir));
const deathstar = labs.find((l) => l.id === 'deathstar')!;

/** A lab.yaml probe as the add-a-probe form would build it, when the form can (no headers, Host or body). */
function asExtra(probe: Probe): ExtraProbe | undefined {
  if (probe.headers || probe.host || probe.body) return undefined;
  const to = probe.target.service !== undefined ? {service: `${probe.target.namespace}/${probe.target.service}`} : {host: probe.target.host};
  const base = {from: probe.from, to};
  switch (probe.request.kind) {
    case 'http':
      return {...base, kind: 'http', port: probe.target.port, method: probe.method as ExtraProbe['method'], path: probe.target.path};
    case 'grpc':
      return {...base, kind: 'grpc', port: probe.target.port, path: probe.target.path};
    case 'tcp':
      return {...base, kind: 'tcp', port: probe.target.port};
    case 'sctp':
      return {...base, kind: 'sctp', port: probe.target.port};
    case 'dns':
      return {...base, kind: 'dns'};
    case 'icmp':
      return {...base, kind: 'icmp'};
  }
}

function errorsOf(lab: Lab, extra: ExtraProbe): string[] {
  const checked = checkExtraProbe(lab, extra);
  return checked.ok ? [] : checked.errors;
}

describe('extra probes', () => {
  it('are refused with the lab format\'s own reasons', () => {
    expect(errorsOf(deathstar, {from: 'xwing', kind: 'tcp', to: {service: 'star-wars/deathstar'}, port: 8080})).toEqual([
      'Service "deathstar" has no TCP port 8080; its ports are 80/TCP',
    ]);
    expect(errorsOf(deathstar, {from: 'luke', kind: 'tcp', to: {service: 'star-wars/deathstar'}, port: 80})[0]).toMatch(/^probe from "luke": the app defines no pod or deployment of that name; expected one of /);
    expect(errorsOf(deathstar, {from: 'outside', kind: 'tcp', to: {service: 'star-wars/deathstar'}, port: 80})[0]).toMatch(/a probe from outside needs the address it comes from/);
    expect(errorsOf(deathstar, {from: 'xwing', kind: 'grpc', to: {service: 'star-wars/deathstar'}, port: 80, path: '/v1'})[0]).toMatch(/a gRPC method is http:\/\/HOST:PORT\/<package>\.<Service>\/<Method>/);
    expect(errorsOf(deathstar, {from: 'xwing', kind: 'icmp', to: {service: 'star-wars/deathstar'}})[0]).toMatch(/has a ClusterIP, which answers no ping/);
    expect(errorsOf(deathstar, {from: 'xwing', kind: 'dns', to: {pod: 'star-wars/tiefighter'}})[0]).toMatch(/a DNS probe looks up a name/);
    expect(errorsOf(deathstar, {from: 'xwing', kind: 'tcp', to: {pod: 'star-wars/nobody'}, port: 80})[0]).toMatch(/has no pod star-wars\/nobody/);
    // SCTP: never to a ClusterIP (Cilium has no policy for SCTP to a Service's virtual IP), never from outside.
    expect(errorsOf(deathstar, {from: 'xwing', kind: 'sctp', to: {service: 'star-wars/deathstar'}, port: 80})).toEqual([
      'Service "deathstar" has no SCTP port 80; its ports are 80/TCP',
    ]);
    const sctpLab = labs.find((l) => l.id === 'netpol-sctp')!;
    expect(errorsOf(sctpLab, {from: 'technician', kind: 'sctp', to: {service: 'scarif/comms'}, port: 3868})).toEqual([]);
    expect(errorsOf(sctpLab, {from: 'technician', kind: 'sctp', to: {service: 'scarif/comms'}})).toEqual(['an SCTP probe needs a port']);
    const ipblock = labs.find((l) => l.id === 'netpol-ipblock')!;
    const someService = probeChoices(ipblock).services[0].value;
    expect(errorsOf(ipblock, {from: 'outside', kind: 'dns', to: {service: someService}})[0]).toMatch(/a machine outside the cluster does not use the cluster DNS/);
  });

  it('offer every client of the app (outside when the lab has it) and every Service, pod and outside name', () => {
    const choices = probeChoices(deathstar);
    // labs/deathstar/app.yaml: the deathstar Deployment (2 replicas), the tiefighter and xwing Pods, the deathstar Service.
    expect(choices.sources.map((c) => c.value)).toEqual(['deathstar', 'tiefighter', 'xwing']);
    expect(choices.services.map((s) => [s.value, s.ports])).toEqual([['star-wars/deathstar', [80]]]);
    expect(choices.pods.map((p) => p.value).sort()).toEqual(['star-wars/deathstar-0', 'star-wars/deathstar-1', 'star-wars/tiefighter', 'star-wars/xwing']);
    const ipblock = probeChoices(labs.find((l) => l.id === 'netpol-ipblock')!);
    expect(ipblock.sources.map((c) => c.value)).toContain('outside');
    // labs/netpol-sctp/app.yaml: the comms Service serves 3868 over SCTP and over TCP.
    expect(probeChoices(labs.find((l) => l.id === 'netpol-sctp')!).services.map((c) => [c.value, c.ports, c.sctpPorts])).toEqual([['scarif/comms', [3868], [3868]]]);
    const basics = probeChoices(labs.find((l) => l.id === 'netpol-basics')!);
    expect(basics.hosts.length).toBeGreaterThan(0);
  });

  it('a probe to a pod goes to its address, and the engine judges it as that pod', () => {
    const step = deathstar.steps.find((s) => s.id === 'cilium-l7')!;
    // lab.yaml: xwing is dropped at L3 by rule1 on the deathstar (probe 4); the same pod by address is dropped too.
    const xwingToDeathstar = step.probes.find((p) => p.from === 'xwing')!;
    expect(xwingToDeathstar.expect).toBe('dropped');
    const checked = checkExtraProbe(deathstar, {from: 'xwing', kind: 'tcp', to: {pod: 'star-wars/deathstar-0'}, port: 80});
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const result = evaluatePlayground(deathstar, step, initialEditorText(step), 'editor.yaml', 'cilium', [checked.probe]);
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.extraRows.map((r) => r.predicted)).toEqual(['dropped']);
    expect(result.extraRows[0].deciding?.text).toMatch(/deathstar-0/);
    // The step's own rows are unchanged by the extra probe.
    expect(result.rows.map((r) => r.predicted)).toEqual(step.probes.map((p) => p.expect));
  });

  it('every probe of every lab step, rebuilt as an extra probe, is predicted as lab.yaml expects it', () => {
    let compared = 0;
    for (const lab of labs) {
      for (const step of lab.steps) {
        const extras = step.probes.map((p) => ({probe: p, extra: asExtra(p)})).filter((x): x is {probe: Probe; extra: ExtraProbe} => x.extra !== undefined);
        const checked = extras.map(({extra}) => checkExtraProbe(lab, extra));
        checked.forEach((c, i) => expect(c.ok, `${lab.id}/${step.id}: ${JSON.stringify(extras[i].extra)} ${c.ok ? '' : c.errors.join('; ')}`).toBe(true));
        const probes = checked.flatMap((c) => (c.ok ? [c.probe] : []));
        // Alone, without the step's own probes before them: their lookups would fill the DNS cache first.
        const alone = {...step, probes: []};
        const result = evaluatePlayground(lab, alone, initialEditorText(step), 'editor.yaml', 'cilium', probes);
        expect(result.status, `${lab.id}/${step.id}`).toBe('ok');
        if (result.status !== 'ok') continue;
        result.extraRows.forEach((row, i) => {
          expect(row.predicted, `${lab.id}/${step.id}: ${extras[i].probe.from} ${extras[i].probe.label}: ${extras[i].probe.why}`).toBe(extras[i].probe.expect);
          compared++;
        });
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
