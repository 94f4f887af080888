/** The deathstar lab as the simulator's cluster: what exists, named the way the runner names it. */
import {resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {clientPod, labToCluster, toModelProbe} from '../../src/runner/model';

const lab = readLabOrThrow(resolve(__dirname, '../../labs/deathstar'));
const owner = {'app.kubernetes.io/managed-by': 'netpol-labs', 'netpol-labs.io/lab': 'deathstar'};

describe('lab to model', () => {
  const cluster = labToCluster(lab);

  it('has the lab namespace, with the labels the runner puts on it', () => {
    expect(cluster.namespaces).toEqual([{name: 'star-wars', labels: owner}]);
  });

  it('expands the deathstar Deployment into its two replicas and keeps the ships as pods', () => {
    expect(cluster.pods.map((p) => p.name)).toEqual(['deathstar-0', 'deathstar-1', 'tiefighter', 'xwing']);
    expect(cluster.pods[0]).toEqual({
      namespace: 'star-wars',
      name: 'deathstar-0',
      labels: {org: 'empire', class: 'deathstar', 'app.kubernetes.io/name': 'deathstar'},
      containers: [{name: 'deathstar', ports: [{name: 'http', containerPort: 80, protocol: 'TCP'}]}],
    });
    expect(cluster.pods.find((p) => p.name === 'xwing')?.labels).toEqual({org: 'alliance', class: 'xwing', 'app.kubernetes.io/name': 'xwing', ...owner});
  });

  it('keeps the Service with its selector and named target port', () => {
    expect(cluster.services).toEqual([
      {namespace: 'star-wars', name: 'deathstar', selector: {org: 'empire', class: 'deathstar'}, ports: [{name: 'http', port: 80, targetPort: 'http', protocol: 'TCP'}]},
    ]);
  });

  it('turns a probe into an engine probe from the client pod to the Service', () => {
    const probe = lab.steps.find((s) => s.id === 'cilium-l7')!.probes.find((p) => p.method === 'PUT')!;
    expect(toModelProbe(lab, probe)).toEqual({
      from: {pod: 'star-wars/tiefighter'},
      to: {service: 'star-wars/deathstar'},
      port: 80,
      protocol: 'TCP',
      http: {method: 'PUT', path: '/v1/exhaust-port', host: 'deathstar.star-wars.svc.cluster.local'},
    });
    expect(clientPod(lab, 'deathstar')).toBe('star-wars/deathstar-0');
  });
});
