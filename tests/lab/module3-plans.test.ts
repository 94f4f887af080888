/**
 * Module 3's labs on kind, planned with `--dry-run` (nothing runs: PATH is an empty folder). The two
 * labs kind can play today plan every step: the app, each step's policy files, every probe from its
 * client. The mediabot lab's servers and outside machine are containers on kind's network: its plan
 * starts one server per address under `names` with the names as aliases, and sends the outside
 * probes from the outside machine; a cluster of the user's refuses it before any command.
 */
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {plan} from '../dry-run-plan';
import {readLabOrThrow} from '../../src/lab/node/read-lab';

const ROOT = resolve(__dirname, '../..');


describe.each(['cilium-identities', 'cilium-deny-cluster'])('run %s --target kind --dry-run', (id) => {
  const lab = readLabOrThrow(join(ROOT, 'labs', id));

  it('plans the app, then each step: exactly its policy files, then a probe command per probe from its client', async () => {
    const {code, lines, commands} = await plan(['run', id, '--target', 'kind', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    const app = commands.findIndex((c) => c.includes(`apply --filename - < labs/${id}/app.yaml`));
    expect(app, 'the app is applied').toBeGreaterThan(0);
    let at = app;
    for (const step of lab.steps) {
      const heading = lines.findIndex((l) => l.startsWith(`${id} / ${step.id}: `));
      expect(heading, `step ${step.id} is planned`).toBeGreaterThan(0);
      const stepLines = lines.slice(heading);
      const next = stepLines.findIndex((l, i) => i > 0 && / \/ [a-z0-9-]+: /.test(l) && l.startsWith(`${id} / `));
      const own = (next > 0 ? stepLines.slice(0, next) : stepLines).filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
      if (step.policies.length > 0) {
        const files = step.policies.map((p) => `labs/${id}/${p.path}`).join(' ');
        expect(own.some((c) => c.includes(`apply --filename - < ${files} `)), `step ${step.id} applies ${files}\n${own.join('\n')}`).toBe(true);
      }
      for (const probe of step.probes) {
        const [namespace, name] = probe.from.includes('/') ? probe.from.split('/') : [lab.namespace, probe.from];
        expect(own.some((c) => c.includes(`exec --namespace ${namespace} ${name} -- `)), `step ${step.id}: a probe from ${probe.from}`).toBe(true);
      }
      const first = commands.indexOf(own[0]);
      expect(first, `step ${step.id} comes after the one before`).toBeGreaterThanOrEqual(at);
      at = first;
    }
  });
});

describe('the cluster-wide baseline on kind', () => {
  it('is applied only after the runner checked that no CiliumClusterwideNetworkPolicy of that name exists that it does not own', async () => {
    const {commands} = await plan(['run', 'cilium-deny-cluster', '--target', 'kind', '--step', 'baseline', '--dry-run']);
    const check = commands.findIndex((c) => c.includes('get ciliumclusterwidenetworkpolicies.cilium.io/baseline-default-deny'));
    const apply = commands.findIndex((c) => c.includes('apply --filename - < labs/cilium-deny-cluster/baseline-default-deny.yaml'));
    expect(check).toBeGreaterThan(0);
    expect(apply).toBeGreaterThan(check);
  });
});

describe('run mediabot-fqdn --target kind --dry-run', () => {
  it('starts a server per address of its names, with the names as aliases, and the outside machine', async () => {
    const {code, lines, commands} = await plan(['run', 'mediabot-fqdn', '--target', 'kind', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    const lab = readLabOrThrow(join(ROOT, 'labs/mediabot-fqdn'));
    for (const [name, ips] of Object.entries(lab.names)) {
      for (const ip of ips) {
        expect(commands.some((c) => c.startsWith('docker run ') && c.includes(`--ip ${ip} `) && c.includes(`--network-alias ${name}`)), `${name} at ${ip}`).toBe(true);
      }
    }
    expect(commands.some((c) => c.startsWith('docker run ') && c.includes(`--ip ${lab.outside!.ip} `))).toBe(true);
    expect(commands.filter((c) => c.startsWith('docker exec netpol-labs-outside ')).length).toBeGreaterThan(0);
  });

  it('is refused on a cluster of the user\'s before any command, naming the steps with probes from outside', async () => {
    const {code, lines, commands} = await plan(['run', 'mediabot-fqdn', '--target', 'context', '--context', 'lab-cluster', '--dry-run']);
    expect(code).toBe(2);
    expect(commands).toEqual([]);
    expect(lines.join('\n')).toContain('lab mediabot-fqdn has probes from outside the cluster (steps ingress-world, ingress-cidr-except)');
  });

  it('plays in the simulator, every probe as expected', async () => {
    const {code, lines} = await plan(['run', 'mediabot-fqdn', '--target', 'sim']);
    expect(code, lines.join('\n')).toBe(0);
    const probes = readLabOrThrow(join(ROOT, 'labs/mediabot-fqdn')).steps.flatMap((s) => s.probes).length;
    expect(lines.join('\n')).toContain(`PASS: ${probes}/${probes} probes as expected`);
  });
});

describe('run cilium-host-policies --target kind --dry-run', () => {
  it('installs Cilium with the host firewall, starts the outside machine, and probes the nodes themselves by name from it', async () => {
    const {code, lines, commands} = await plan(['run', 'cilium-host-policies', '--target', 'kind', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    const install = commands.find((c) => c.startsWith('cilium install ') || c.startsWith('helm '));
    expect(install, 'Cilium is installed').toBeDefined();
    expect(install).toContain('hostFirewall.enabled=true');
    expect(lines.join('\n')).toContain('host firewall on: lab cilium-host-policies has a host policy (workers-host-policy.yaml: CiliumClusterwideNetworkPolicy workers-host-policy with nodeSelector)');
    const lab = readLabOrThrow(join(ROOT, 'labs/cilium-host-policies'));
    const outside = commands.findIndex((c) => c.startsWith('docker run ') && c.includes(`--ip ${lab.outside!.ip} `) && c.includes('--name netpol-labs-outside '));
    expect(outside, 'the outside machine is started').toBeGreaterThan(0);
    // nc and ping in the outside container, to the node's name (absolute: Docker's DNS answers it).
    for (const probe of ['nc -z -v -w 2 netpol-labs-worker. 22', 'ping -n -c 1 -W 2 netpol-labs-worker.', 'nc -z -v -w 2 netpol-labs-worker. 8080', 'nc -z -v -w 2 netpol-labs-control-plane. 8080']) {
      const at = commands.findIndex((c) => c === `docker exec netpol-labs-outside ${probe}`);
      expect(at, probe).toBeGreaterThan(outside);
    }
    expect(commands.some((c) => c.includes('exec --namespace hoth probe-droid -- nc -z -v -w 2 beacon-worker.hoth.svc.cluster.local. 8080'))).toBe(true);
    // The policy that would lock the cluster out of its nodes is never applied.
    expect(commands.some((c) => c.includes('all-nodes-ssh-only'))).toBe(false);
  });

  it('plays in the simulator, every probe as expected', async () => {
    const {code, lines} = await plan(['run', 'cilium-host-policies', '--target', 'sim']);
    expect(code, lines.join('\n')).toBe(0);
    const probes = readLabOrThrow(join(ROOT, 'labs/cilium-host-policies')).steps.flatMap((s) => s.probes).length;
    expect(lines.join('\n')).toContain(`PASS: ${probes}/${probes} probes as expected`);
  });
});
