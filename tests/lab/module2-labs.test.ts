/**
 * Module 2's labs beyond "the simulator predicts every probe" (tests/labs.test.ts does that): every
 * lab the runner can play on a cluster has a complete kind plan, the ipBlock lab is refused there for
 * its outside probes, the pod-network ipBlock step differs between the Cilium and the reference
 * datapath as the lesson says, the spot-the-bug page shows the loader's real messages, and its
 * host-bits step can still be applied on the pinned Kubernetes.
 */
import {readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {plan} from '../dry-run-plan';
import {simulateStep} from '../../src/lab/simulate-step';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {unsupportedOnCluster} from '../../src/runner/cluster-support';
import {KIND_CONTEXT, KUBERNETES_VERSION} from '../../src/runner/constants';
import {LAB_DIR, loaderErrors, versions} from './spot-the-bug';

const ROOT = resolve(__dirname, '../..');
const labs = listLabDirs(ROOT).map((dir) => readLabOrThrow(dir, ROOT));
const K = `kubectl --context ${KIND_CONTEXT}`;

/** The dry-run plan of argv, with an empty PATH so that nothing could run. */

describe('kind dry-run of every lab the runner plays on a cluster', () => {
  const playable = labs.filter((lab) => unsupportedOnCluster(lab, 'kind') === undefined);

  it('includes both of module 2\'s labs', () => {
    expect(playable.map((l) => l.id)).toEqual(expect.arrayContaining(['netpol-basics', 'netpol-ipblock']));
  });

  for (const lab of playable) {
    it(`${lab.id}: applies each step's policies and sends one command per probe in the client's namespace`, async () => {
      const {code, lines, commands} = await plan(['run', lab.id, '--target', 'kind', '--dry-run']);
      expect(code, lines.join('\n')).toBe(0);
      for (const step of lab.steps.filter((s) => s.policies.length > 0)) {
        const files = step.policies.map((m) => `labs/${lab.id}/${m.path}`).join(' ');
        expect(commands.some((c) => c.startsWith(`${K} apply --filename - < ${files} `)), `step ${step.id} applies ${files}`).toBe(true);
      }
      const probeCommands = commands.filter((c) => c.includes(' exec ') && !c.includes('--namespace kube-system'));
      for (const step of lab.steps) {
        for (const probe of step.probes) {
          if (probe.source.kind !== 'pod') continue;
          const ns = probe.source.namespace;
          const client = probe.source.workload === 'Deployment' ? 'POD' : probe.source.name;
          expect(probeCommands.some((c) => c.includes(`exec --namespace ${ns} `) && c.includes(` ${client} -- `)), `step ${step.id}: a command from ${ns}/${probe.source.name}`).toBe(true);
        }
      }
      const total = lab.steps.reduce((n, s) => n + s.probes.length, 0);
      expect(probeCommands.length).toBeGreaterThanOrEqual(total);
    });
  }

  it('plays netpol-ipblock\'s outside probes from the outside machine, through the database\'s node port', async () => {
    const {code, lines, commands} = await plan(['run', 'netpol-ipblock', '--target', 'kind', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    const lab = labs.find((l) => l.id === 'netpol-ipblock')!;
    expect(commands).toContainEqual(expect.stringMatching(new RegExp(`^docker run .*--ip ${lab.outside!.ip.replace(/\./g, '\\.')} `)));
    const outside = lab.steps.flatMap((s) => s.probes).filter((p) => p.source.kind === 'outside').length;
    expect(commands.filter((c) => c.startsWith('docker exec netpol-labs-outside ') && /NODE_IP[: ]NODE_PORT/.test(c)).length).toBe(outside);
  });

  it('refuses netpol-ipblock on a cluster of the user\'s, before it applies anything, naming its outside probes', async () => {
    const {code, lines, commands} = await plan(['run', 'netpol-ipblock', '--target', 'context', '--context', 'lab-cluster', '--dry-run']);
    expect(code).toBe(2);
    expect(lines.join('\n')).toContain('lab netpol-ipblock has probes from outside the cluster');
    expect(commands).toEqual([]);
  });
});

describe('an ipBlock of the pod network (lesson netpol/ipblock)', () => {
  const lab = labs.find((l) => l.id === 'netpol-ipblock')!;
  const step = lab.steps.find((s) => s.id === 'ipblock-pod-cidr')!;
  const outcomes = (datapath: 'cilium' | 'kubernetes') => {
    const sim = simulateStep(lab, step, {datapath});
    expect(sim.errors).toEqual([]);
    return sim.predictions.map((p) => `${step.probes[p.index].from}: ${p.outcome}`);
  };

  it('matches no pod on Cilium: every probe dropped', () => {
    expect(outcomes('cilium')).toEqual(['frontend: dropped', 'dagobah/worker: dropped', 'outside: dropped']);
  });

  it('matches the pods under the reference semantics (upstream e2e "should allow egress access to server in CIDR block"), not the outside machine', () => {
    expect(outcomes('kubernetes')).toEqual(['frontend: allowed', 'dagobah/worker: allowed', 'outside: dropped']);
  });
});

describe('spot the bug: the page shows the loader\'s own messages', () => {
  const page = readFileSync(join(ROOT, 'docs/netpol/spot-the-bug.mdx'), 'utf8');
  /** The page's console blocks titled "the loader's errors for FILE", by FILE. */
  const shown = new Map(
    [...page.matchAll(/```console title="the loader's errors for ([^"]+)"\n([\s\S]*?)\n```/g)].map((m) => [m[1], m[2].split('\n')]),
  );

  it('lists the versions from the notes\' text to a file the loader accepts', () => {
    const all = versions(ROOT);
    expect(all[0]).toBe('spot-the-bug/0-test-np.yaml');
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(loaderErrors(all[0], ROOT)[0]).toMatch(/^labs\/netpol-ipblock\/spot-the-bug\/0-test-np\.yaml:32:1: YAML syntax error/);
    expect(loaderErrors(all[all.length - 1], ROOT)).toEqual([]);
  });

  for (const version of versions(ROOT).slice(0, -1)) {
    it(`${version}: the page's errors are the loader's`, () => {
      expect(shown.get(version), `docs/netpol/spot-the-bug.mdx has no block "the loader's errors for ${version}"`).toBeDefined();
      expect(shown.get(version)).toEqual(loaderErrors(version, ROOT));
    });
  }

  it('shows no block for a file that is not a version', () => {
    expect([...shown.keys()].filter((k) => !versions(ROOT).includes(k))).toEqual([]);
    expect(LAB_DIR).toBe('labs/netpol-ipblock');
  });
});

describe('spot the bug: the except with host bits (step test-np-host-bits)', () => {
  const lab = labs.find((l) => l.id === 'netpol-ipblock')!;
  const step = lab.steps.find((s) => s.id === 'test-np-host-bits')!;
  const manifest = readFileSync(join(ROOT, LAB_DIR, 'test-np-host-bits.yaml'), 'utf8');
  const page = readFileSync(join(ROOT, 'docs/netpol/spot-the-bug.mdx'), 'utf8');
  const [major, minor] = KUBERNETES_VERSION.replace(/^v/, '').split('.').map(Number);

  it('keeps the notes\' except with a host bit set, 172.30.0.1/24', () => {
    expect(manifest).toMatch(/except:\n\s+- 172\.30\.0\.1\/24\n/);
  });

  // KEP-4858: StrictIPCIDRValidation is beta and on by default from Kubernetes 1.36
  // (kubernetes/kubernetes#137053), when the API server refuses "must not have bits set beyond the
  // prefix length". On such a node image `kubectl apply` of this step would fail before any probe.
  it('runs on a node image whose API server still accepts it (Kubernetes older than 1.36)', () => {
    expect(major).toBe(1);
    expect(minor).toBeLessThan(36);
  });

  it('names on the page the Kubernetes minor the runner pins', () => {
    expect(page).toContain(`The course's kind cluster runs Kubernetes ${major}.${minor},`);
  });

  it('is read as the network 172.30.0.0/24 on the Cilium datapath: the outside machine .250 is shut out', () => {
    const sim = simulateStep(lab, step, {datapath: 'cilium'});
    expect(sim.errors).toEqual([]);
    expect(sim.predictions.map((p) => `${step.probes[p.index].from}: ${p.outcome}`)).toEqual(['outside: dropped', 'frontend: allowed']);
  });
});
