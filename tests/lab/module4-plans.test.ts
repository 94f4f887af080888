/**
 * Module 4's HTTP lab on kind, planned with `--dry-run` (nothing runs: PATH is an empty folder):
 * every step applies exactly its policy files and sends each probe from its client, and the probes
 * that test headers and the Host header send those headers, as the lessons say the archive receives
 * them. In the simulator the whole lab plays as expected.
 */
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {plan} from '../dry-run-plan';
import {readLabOrThrow} from '../../src/lab/node/read-lab';

const ROOT = resolve(__dirname, '../..');
const ID = 'imperial-archive';


/** The commands of one step of a plan: from its heading to the next step's. */
function stepCommands(lines: string[], stepId: string): string[] {
  const heading = lines.findIndex((l) => l.startsWith(`${ID} / ${stepId}: `));
  expect(heading, `step ${stepId} is planned`).toBeGreaterThan(0);
  const rest = lines.slice(heading + 1);
  const next = rest.findIndex((l) => l.startsWith(`${ID} / `));
  return (next >= 0 ? rest.slice(0, next) : rest).filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
}

describe(`run ${ID} --target kind --dry-run`, () => {
  const lab = readLabOrThrow(join(ROOT, 'labs', ID));

  it('deploys the app, then plans every step: exactly its policy files, then a curl from each probe\'s client', async () => {
    const {code, lines, commands} = await plan(['run', ID, '--target', 'kind', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    expect(commands.some((c) => c.includes(`apply --filename - < labs/${ID}/app.yaml`))).toBe(true);
    expect(lab.steps.length).toBe(11);
    for (const step of lab.steps) {
      const own = stepCommands(lines, step.id);
      if (step.policies.length > 0) {
        const files = step.policies.map((p) => `labs/${ID}/${p.path}`).join(' ');
        expect(own.some((c) => c.includes(`apply --filename - < ${files} `)), `step ${step.id} applies ${files}`).toBe(true);
      }
      for (const probe of step.probes) {
        expect(own.some((c) => c.includes(`exec --namespace scarif ${probe.from} -- curl `)), `step ${step.id}: a probe from ${probe.from}`).toBe(true);
      }
    }
  });

  it('sends the headers the lessons talk about, and the Host header a host probe names', async () => {
    const {lines} = await plan(['run', ID, '--target', 'kind', '--dry-run']);
    const headers = stepCommands(lines, 'headers');
    expect(headers.some((c) => c.includes("--header 'X-Imperial-Clearance: secret'") && c.endsWith('/v1/records/66'))).toBe(true);
    expect(headers.some((c) => c.includes("--header 'X-Imperial-Clearance: Secret'"))).toBe(true);
    // The name is sent as the lab wrote it: the lesson claims Envoy compares names case-insensitively.
    expect(headers.some((c) => c.includes("--header 'x-imperial-clearance: secret'"))).toBe(true);
    const rewrite = stepCommands(lines, 'header-matches');
    expect(rewrite.some((c) => c.includes("--header 'Imperial-Origin: rebel-base'"))).toBe(true);
    const host = stepCommands(lines, 'host-header');
    // The vault dialled with the archive's short name as Host, and the archive dialled with the vault's.
    expect(host.some((c) => c.includes("--header 'Host: archive'") && c.includes('http://vault.scarif.svc.cluster.local./v1/catalog'))).toBe(true);
    expect(host.some((c) => c.includes("--header 'Host: vault'") && c.includes('http://archive.scarif.svc.cluster.local./v1/catalog'))).toBe(true);
    // The query string is part of the request curl sends.
    expect(stepCommands(lines, 'anchored-paths').some((c) => c.endsWith("'http://archive.scarif.svc.cluster.local./v1/catalog?page=2'"))).toBe(true);
  });

  it('puts the lab\'s pods in policy audit mode per endpoint after the audit step\'s policies, and takes it off again', async () => {
    // Documentation/security/policy-creation.rst "Enable Policy Audit Mode (Specific Endpoint)": the
    // endpoint id from the pod's CiliumEndpoint, then `cilium endpoint config ID PolicyAuditMode=Enabled`
    // in the cilium-agent container of the agent on the pod's node; Disabled to undo it.
    const {code, lines} = await plan(['run', ID, '--target', 'kind', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    // The step's heading says so, before any of its commands.
    expect(lines.find((l) => l.startsWith(`${ID} / audit-mode: `))).toContain('(policy audit mode: the lab\'s pods let through what L3/L4 policy drops, reported as AUDIT)');
    const own = stepCommands(lines, 'audit-mode');
    const at = (pattern: RegExp) => own.findIndex((c) => pattern.test(c));
    const apply = at(/apply --filename - < labs\/imperial-archive\/archive-per-peer\.yaml /);
    const endpointId = at(/get ciliumendpoint --namespace scarif POD --output 'jsonpath=\{\.status\.id\}'$/);
    const enable = at(/exec --namespace kube-system CILIUM_AGENT_ON_POD_NODE --container cilium-agent -- cilium-dbg endpoint config ENDPOINT_ID PolicyAuditMode=Enabled$/);
    const firstProbe = at(/ -- curl /);
    const last = (pattern: RegExp) => {
      const fromEnd = [...own].reverse().findIndex((c) => pattern.test(c));
      return fromEnd < 0 ? -1 : own.length - 1 - fromEnd;
    };
    const disable = last(/cilium-dbg endpoint config ENDPOINT_ID PolicyAuditMode=Disabled$/);
    expect([apply, endpointId, enable, firstProbe, disable].every((i) => i >= 0), own.join('\n')).toBe(true);
    expect(apply).toBeLessThan(enable);
    expect(endpointId).toBeLessThan(enable);
    expect(enable).toBeLessThan(firstProbe);
    expect(disable).toBeGreaterThan(last(/ -- curl /));
    // Every other step enforces: audit mode is switched on in that step only.
    for (const step of lab.steps.filter((s) => s.id !== 'audit-mode')) {
      expect(stepCommands(lines, step.id).some((c) => c.endsWith('PolicyAuditMode=Enabled')), step.id).toBe(false);
    }
  });

  it('refuses the audit step on an existing cluster before it runs anything, and plays the other steps there', async () => {
    const refused = await plan(['run', ID, '--target', 'context', '--context', 'dev-cluster', '--dry-run']);
    expect(refused.code).toBe(2);
    expect(refused.commands).toEqual([]);
    expect(refused.lines.join('\n')).toContain('lab imperial-archive has a step in policy audit mode (audit-mode, policyAuditMode: true in lab.yaml)');
    expect(refused.lines.join('\n')).toContain('netpol-labs does not change endpoint configuration on a cluster it did not create. Play it on kind (--target kind) or in the simulator (--target sim)');
    // verify plays the other labs there and names this one as not played, with the reason.
    const verify = await plan(['verify', '--target', 'context', '--context', 'dev-cluster', '--dry-run']);
    expect(verify.lines).toContainEqual(expect.stringMatching(/^not played on target context: lab imperial-archive has a step in policy audit mode \(audit-mode/));
    const other = await plan(['run', ID, '--target', 'context', '--context', 'dev-cluster', '--step', 'rules-per-peer', '--dry-run']);
    expect(other.code, other.lines.join('\n')).toBe(0);
    expect(other.commands.some((c) => c.includes('cilium-dbg endpoint config') || c.includes('ciliumendpoint'))).toBe(false);
  });

  it('plays in the simulator, every probe as expected', async () => {
    const {code, lines} = await plan(['run', ID, '--target', 'sim']);
    expect(code, lines.join('\n')).toBe(0);
    const probes = lab.steps.flatMap((s) => s.probes).length;
    expect(lines.join('\n')).toContain(`PASS: ${probes}/${probes} probes as expected`);
  });
});
