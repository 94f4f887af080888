/**
 * The service map's flows against the labs' own expectations: for every lab.yaml probe to a Service
 * port (or a DNS lookup), the flow from its client to that port must be dropped when the lab expects
 * `dropped`, allowed otherwise, and judged by L7 rules when the lab expects `l7-denied`. The
 * expectation comes from lab.yaml, not from the map's code.
 */
import {describe, expect, it} from 'vitest';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import type {Probe} from '../../src/lab/load';
import {initialEditorText} from '../../src/components/Playground/editorText';
import {serviceMap, type Flow} from '../../src/components/Playground/flows';

const labs = listLabDirs().map((dir) => readLabOrThrow(dir));

/**
 * The flow a lab probe travels, as `from > namespace/service:port/protocol`; undefined for probes to
 * addresses or names outside, and to the API server's Service (kubernetes.default): the map draws
 * the app's Services (TCP, and SCTP to a headless one) and the cluster DNS, not the API server.
 */
function flowOf(probe: Probe): string | undefined {
  const from = probe.source.kind === 'outside' ? 'outside' : `${probe.source.namespace}/${probe.source.name}`;
  if (probe.request.kind === 'dns') return `${from} > kube-system/kube-dns:53/UDP`;
  if (probe.target.apiServer) return undefined;
  if (probe.target.service === undefined || probe.target.port === undefined) return undefined;
  return `${from} > ${probe.target.namespace}/${probe.target.service}:${probe.target.port}/${probe.request.kind === 'sctp' ? 'SCTP' : 'TCP'}`;
}

describe('the service map', () => {
  it('agrees with every lab.yaml probe to a Service port or the cluster DNS', () => {
    let compared = 0;
    for (const lab of labs) {
      for (const step of lab.steps) {
        const map = serviceMap(lab, step, initialEditorText(step), 'cilium');
        expect(map.status, `${lab.id}/${step.id}`).toBe('ok');
        if (map.status !== 'ok') continue;
        const byKey = new Map<string, Flow>(map.flows.map((f) => [`${f.from} > ${f.to}`, f]));
        for (const probe of step.probes) {
          const key = flowOf(probe);
          if (key === undefined || probe.expect === 'unresolved') continue;
          const flow = byKey.get(key);
          const where = `${lab.id}/${step.id}: ${probe.from} ${probe.label} expects ${probe.expect} (${probe.why})`;
          expect(flow, `${where}: no flow ${key}`).toBeDefined();
          if (!flow) continue;
          expect(flow.verdict, where).toBe(probe.expect === 'dropped' ? 'dropped' : 'allowed');
          if (probe.expect === 'l7-denied') expect(flow.l7, where).toBe(true);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('leaves out a Service\'s own backends and shows the cluster DNS', () => {
    const deathstar = labs.find((l) => l.id === 'deathstar')!;
    const step = deathstar.steps[0];
    const map = serviceMap(deathstar, step, initialEditorText(step), 'cilium');
    expect(map.status).toBe('ok');
    if (map.status !== 'ok') return;
    // labs/deathstar/app.yaml: clients deathstar (Deployment), tiefighter, xwing; one Service, deathstar:80.
    expect(map.flows.map((f) => `${f.from} > ${f.to}`).sort()).toEqual(
      [
        'star-wars/deathstar > kube-system/kube-dns:53/UDP',
        'star-wars/tiefighter > kube-system/kube-dns:53/UDP',
        'star-wars/tiefighter > star-wars/deathstar:80/TCP',
        'star-wars/xwing > kube-system/kube-dns:53/UDP',
        'star-wars/xwing > star-wars/deathstar:80/TCP',
      ].sort(),
    );
  });

  it('shows no map for policies with errors', () => {
    const deathstar = labs.find((l) => l.id === 'deathstar')!;
    expect(serviceMap(deathstar, deathstar.steps[0], 'kind: NetworkPolicy\nspec: [', 'cilium')).toEqual({status: 'error', message: 'the policies have errors; fix them to see the map'});
  });
});
