/**
 * What makes an installed Cilium reusable: its Helm release, read from the Secret Helm stores it in
 * (gzip + base64 inside the Secret's base64 data, helm pkg/storage/driver/util.go), deployed at the
 * pinned version with every value the runner sets.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {describe, expect, it} from 'vitest';
import {CILIUM_VALUES, ciliumWorkloads, imagesInManifests, newestRelease, releaseProblems} from '../../src/runner/cilium-install';
import {CILIUM_VERSION} from '../../src/runner/constants';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

/** A `kubectl get secrets -o json` list holding releases as Helm's secret driver writes them. */
function secretList(...releases: {json: string; revision: number; gzip?: boolean}[]): string {
  const items = releases.map(({json, revision, gzip = true}) => {
    const helm = (gzip ? gzipSync(json) : Buffer.from(json)).toString('base64');
    return {
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      metadata: {name: `sh.helm.release.v1.cilium.v${revision}`, labels: {name: 'cilium', owner: 'helm', version: String(revision)}},
      data: {release: Buffer.from(helm).toString('base64')},
    };
  });
  return JSON.stringify({kind: 'List', items});
}

describe("Cilium's Helm release", () => {
  const deployed = fixture('helm-release-cilium.json');

  it('the release up installs is reusable: deployed, the pinned chart, every value the labs need', () => {
    const release = newestRelease(secretList({json: deployed, revision: 1}));
    expect(release?.chart?.metadata?.version).toBe(CILIUM_VERSION);
    expect(releaseProblems(release, CILIUM_VERSION)).toEqual([]);
  });

  it('reads the newest revision, and releases stored before helm compressed them', () => {
    const older = JSON.stringify({...JSON.parse(deployed), info: {status: 'superseded'}, version: 1});
    const release = newestRelease(secretList({json: older, revision: 1}, {json: deployed, revision: 2, gzip: false}));
    expect(release?.info?.status).toBe('deployed');
  });

  it('says what is wrong: another version, a failed upgrade, a value missing or different', () => {
    const r = JSON.parse(deployed);
    r.info.status = 'failed';
    r.chart.metadata.version = '1.19.3';
    r.config.hubble.relay.enabled = false;
    delete r.config.bpf;
    expect(releaseProblems(newestRelease(secretList({json: JSON.stringify(r), revision: 3})), CILIUM_VERSION)).toEqual([
      'the Helm release "cilium" is failed, not deployed',
      `Cilium 1.19.3 is installed, not ${CILIUM_VERSION}`,
      'hubble.relay.enabled is false (the labs need true)',
      'bpf.monitorAggregation is not set (the labs need none)',
    ]);
    expect(releaseProblems(newestRelease(secretList()), CILIUM_VERSION)).toEqual(['no Helm release "cilium" in kube-system']);
  });

  it('checks every value the installer sets', () => {
    expect(CILIUM_VALUES.length).toBe(9);
    for (const setting of CILIUM_VALUES) {
      const r = JSON.parse(deployed);
      const path = setting.split('=')[0].split('.');
      let node = r.config;
      for (const key of path.slice(0, -1)) node = node[key];
      delete node[path.at(-1)!];
      expect(releaseProblems(r, CILIUM_VERSION), setting).toEqual([`${path.join('.')} is not set (the labs need ${setting.split('=')[1]})`]);
    }
  });
});

describe('what must be ready', () => {
  it('waits for cilium-envoy only when Envoy runs as its own DaemonSet', () => {
    expect(ciliumWorkloads('daemonset')).toEqual(['daemonset/cilium', 'deployment/cilium-operator', 'daemonset/cilium-envoy', 'deployment/hubble-relay']);
    // envoy.enabled=false: Envoy is inside the agent, whose readiness covers it.
    expect(ciliumWorkloads('embedded')).toEqual(['daemonset/cilium', 'deployment/cilium-operator', 'deployment/hubble-relay']);
  });

  it("lists the images of the rendered chart (what --preload loads)", () => {
    expect(imagesInManifests(fixture('cilium-rendered.yaml'))).toEqual([
      'quay.io/cilium/cilium:v1.20.2',
      'quay.io/cilium/cilium-envoy:v1.35-placeholder',
      'quay.io/cilium/operator-generic:v1.20.2',
      'quay.io/cilium/hubble-relay:v1.20.2',
    ]);
  });
});
