/**
 * The "Plain kubectl" tab of every lesson step: the probes are the runner's own tool commands
 * (probe.ts), run in the client's namespace, every name absolute; the policy clean-up covers each
 * namespace of the lab.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {runStepTexts} from '../../src/components/RunStep/commands';
import type {LabFile} from '../../src/lab/schema';
import {curlArgs, probeInvocation} from '../../src/runner/probe';

const outpost = parse(readFileSync('tests/fixtures/lab-format/labs/outpost/lab.yaml', 'utf8')) as LabFile;
const deathstar = parse(readFileSync('labs/deathstar/lab.yaml', 'utf8')) as LabFile;
const archive = parse(readFileSync('labs/imperial-archive/lab.yaml', 'utf8')) as LabFile;
const step = (lab: LabFile, id: string) => lab.steps.find((s) => s.id === id)!;

describe('RunStep commands', () => {
  it('runs each kind of probe with the runner\'s tool in the client\'s namespace', () => {
    const {kubectl} = runStepTexts(outpost, step(outpost, 'open'));
    const tcp = probeInvocation({kind: 'tcp', host: 'deathstar.empire.svc.cluster.local.', port: 80}).argv.join(' ');
    expect(kubectl).toContain(`kubectl -n rebels exec xwing -- ${tcp}\n`);
    expect(kubectl).toContain(`kubectl -n empire exec tiefighter -- ${probeInvocation({kind: 'dns', name: 'mos-eisley.example.'}).argv.join(' ')}\n`);
    // A gRPC call gets its five zero bytes on stdin.
    expect(kubectl).toMatch(/printf '\\0\\0\\0\\0\\0' \| kubectl -n empire exec -i tiefighter -- curl .*--http2-prior-knowledge/);
    expect(kubectl).toContain('# from a machine outside the cluster');
    for (const ns of ['empire', 'rebels']) expect(kubectl).toContain(`kubectl -n ${ns} delete networkpolicies.networking.k8s.io,ciliumnetworkpolicies.cilium.io --all`);
  });

  it('a step in policy audit mode switches each pod\'s endpoint on after the policies and off after the probes (policy-creation.rst)', () => {
    const {kubectl} = runStepTexts(archive, step(archive, 'audit-mode'));
    const lines = kubectl.split('\n');
    const apply = lines.indexOf('kubectl apply -f labs/imperial-archive/archive-per-peer.yaml');
    const on = lines.findIndex((l) => l.endsWith('cilium-dbg endpoint config "$id" PolicyAuditMode=Enabled'));
    const firstProbe = lines.findIndex((l) => l.startsWith('kubectl -n scarif exec '));
    const off = lines.findIndex((l) => l.endsWith('cilium-dbg endpoint config "$id" PolicyAuditMode=Disabled'));
    const lastProbe = lines.map((l, i) => (l.startsWith('kubectl -n scarif exec ') ? i : -1)).filter((i) => i >= 0).pop()!;
    expect(apply).toBeGreaterThan(0);
    expect(on).toBeGreaterThan(apply);
    expect(firstProbe).toBeGreaterThan(on);
    expect(off).toBeGreaterThan(lastProbe);
    expect(kubectl).toContain(`id=$(kubectl -n scarif get ciliumendpoint "$pod" -o jsonpath='{.status.id}' 2>/dev/null)`);
    expect(kubectl).toContain('kubectl -n kube-system exec "$agent" -c cilium-agent -- ');
    // The step before it enforces: no endpoint is touched.
    expect(runStepTexts(archive, step(archive, 'visibility')).kubectl).not.toContain('PolicyAuditMode');
  });

  it('shows the deathstar\'s curl exactly as the runner sends it', () => {
    const {kubectl} = runStepTexts(deathstar, step(deathstar, 'cilium-l7'));
    const args = curlArgs({method: 'PUT', url: 'http://deathstar.star-wars.svc.cluster.local./v1/exhaust-port', host: 'deathstar.star-wars.svc.cluster.local'});
    const quoted = args.map((a) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(a) ? a : `'${a}'`)).join(' ');
    expect(kubectl).toContain(`kubectl -n star-wars exec tiefighter -- curl ${quoted}\n#   expect l7-denied`);
  });
});
