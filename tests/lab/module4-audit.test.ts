/**
 * The imperial-archive step in policy audit mode, in the simulator. What Cilium does there, from
 * Documentation/security/policy-creation.rst (cilium/cilium): audit mode "configures Cilium to
 * allow all traffic while logging all connections that would otherwise be dropped by network
 * policies", per endpoint with `cilium endpoint config ID PolicyAuditMode=Enabled`, and it "supports
 * auditing network policies implemented at networks layers 3 and 4". So the uwing, which no rule of
 * archive-per-peer.yaml admits (dropped in step rules-per-peer, as the star-wars guide drops the
 * xwing), gets through, and the tiefighter's PUT, which its HTTP rule does not allow, still gets
 * Envoy's 403. The kind run of the workflow checks the same probes on Cilium.
 */
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {simulateStep} from '../../src/lab/simulate-step';
import {stepScenario} from '../../src/lab/to-scenario';

const ROOT = resolve(__dirname, '../..');
const lab = readLabOrThrow(join(ROOT, 'labs', 'imperial-archive'));
const step = lab.steps.find((s) => s.id === 'audit-mode')!;

describe('imperial-archive step audit-mode', () => {
  it('is marked policyAuditMode and uses the policy of step rules-per-peer', () => {
    expect(step.policyAuditMode).toBe(true);
    expect(step.policies.map((p) => p.path)).toEqual(lab.steps.find((s) => s.id === 'rules-per-peer')!.policies.map((p) => p.path));
  });

  it('lets through what the policy drops at L3/L4 and reports it as audited; the HTTP rule still answers 403', () => {
    const audited = simulateStep(lab, step);
    expect(audited.errors).toEqual([]);
    expect(audited.predictions.map((p) => [step.probes[p.index].label, p.outcome, p.result.audit ?? null])).toEqual([
      ['GET /v1/catalog', 'allowed', 'dropped'],
      ['PUT /v1/records/66', 'allowed', 'dropped'],
      ['GET /v1/catalog', 'allowed', null],
      ['PUT /v1/records/66', 'l7-denied', null],
    ]);
    // The same policy without audit mode: the two uwing requests are dropped.
    const enforced = simulateStep(lab, {...step, policyAuditMode: undefined});
    expect(enforced.predictions.map((p) => p.outcome)).toEqual(['dropped', 'dropped', 'allowed', 'l7-denied']);
  });

  it('explains an audited request by audit mode and names the rule that decides without it', () => {
    const [uwing] = simulateStep(lab, step).predictions;
    expect(uwing.deciding?.reason).toBe('audit');
    expect(uwing.deciding?.text).toMatch(/^policy audit mode: the ingress of scarif\/archive-0 would drop this, but that endpoint is in policy audit mode, so Cilium lets it through and reports it \(Hubble verdict AUDIT\)/);
    expect(uwing.deciding?.text).toContain('the enforced verdict: ingress to scarif/archive-0: scarif/archive-0 is isolated for ingress by CiliumNetworkPolicy scarif/archive-per-peer');
    expect(uwing.deciding?.rules?.map((r) => r.name)).toContain('archive-per-peer');
  });

  it('puts the lab\'s pods in audit mode, not the cluster DNS (the runner switches only the lab\'s endpoints)', () => {
    const {scenario} = stepScenario(lab, step);
    expect([...(scenario.options?.auditEndpoints ?? [])].sort()).toEqual(['scarif/archive-0', 'scarif/archivist', 'scarif/tiefighter', 'scarif/uwing']);
    expect(scenario.options?.policyAuditMode).toBeUndefined();
    expect(stepScenario(lab, lab.steps.find((s) => s.id === 'rules-per-peer')!).scenario.options).toBeUndefined();
  });

  it('says "Audited:" in the why of exactly the probes audit mode lets through, in every lab (the probe table marks those)', () => {
    const audited = listLabDirs(ROOT).map((dir) => readLabOrThrow(dir)).flatMap((l) => l.steps.filter((s) => s.policyAuditMode).map((s) => ({l, s})));
    expect(audited.map(({l, s}) => `${l.id}/${s.id}`)).toContain('imperial-archive/audit-mode');
    for (const {l, s} of audited) {
      for (const p of simulateStep(l, s).predictions) {
        expect(s.probes[p.index].why.startsWith('Audited:'), `${l.id}/${s.id}: ${s.probes[p.index].label}`).toBe(p.result.audit === 'dropped');
      }
    }
  });
});
