/**
 * A step with `policyAuditMode: true` on a scripted kind cluster: the runner puts each of the lab's
 * pods in policy audit mode the way Documentation/security/policy-creation.rst "Enable Policy Audit
 * Mode (Specific Endpoint)" (cilium/cilium) does it (the endpoint id from the pod's CiliumEndpoint
 * `.status.id`, then `cilium endpoint config ID PolicyAuditMode=Enabled` in the cilium-agent
 * container of the agent on the pod's node; `Disabled` undoes it), and switches it off again before
 * the next step, after a failure and after Ctrl-C. The scripted cluster answers curl with the policy
 * engine for the policies applied and the endpoints in audit mode at that moment, so a probe that
 * holds shows the setting was in force (or not) when it was sent.
 */
import {describe, expect, it} from 'vitest';
import {cleanupAfterInterrupt, Refused, runLabOnCluster} from '../../src/runner/cluster-lab';
import type {Executor} from '../../src/runner/exec';
import {memoryOutput} from '../../src/runner/output';
import {AGENTS, AuditCluster, lab, PODS} from './audit-cluster';

const options = (executor: Executor, ownCluster = true): Parameters<typeof runLabOnCluster>[1] => ({
  executor,
  out: memoryOutput(),
  context: 'kind-netpol-labs',
  removeAtEnd: false,
  hubble: true,
  ownCluster,
  convergeDeadlineMs: 60_000,
  pollIntervalMs: 1,
  sleep: async () => {},
});

const setting = (agent: string, id: string, state: 'Enabled' | 'Disabled') =>
  `kubectl --context kind-netpol-labs exec --namespace kube-system ${agent} --container cilium-agent -- cilium-dbg endpoint config ${id} PolicyAuditMode=${state}`;

describe('a step in policy audit mode on kind', () => {
  it('switches it on per endpoint after the step\'s policies, in the agent on each pod\'s node, and off before the next step', async () => {
    const cluster = new AuditCluster();
    const result = await runLabOnCluster(lab, options(cluster));
    expect(result.error).toBeUndefined();
    // The uwing is dropped, let through in audit mode, dropped again once it is off: every probe held.
    expect(result.steps.map((s) => s.probes.filter((p) => !p.passed).map((p) => `${p.from} ${p.request}: ${p.observed}`))).toEqual([[], [], []]);
    expect(result.steps[1].probes.map((p) => p.observed)).toEqual(['allowed', 'allowed', 'allowed', 'l7-denied']);
    // Hubble's AUDIT verdict is the evidence that audit mode, not a rule, let the uwing through.
    expect(result.steps[1].probes[0].flows).toEqual(['2026-11-29T12:00:00Z scarif/uwing -> scarif/archive-0 AUDIT (TCP Flags: SYN)']);
    expect(result.steps[1].probes[2].flows).toBeUndefined();
    const log = cluster.log;
    const enabled = PODS.map((p) => log.indexOf(setting(AGENTS[p.node as keyof typeof AGENTS], p.id, 'Enabled')));
    expect(enabled.every((i) => i > 0), log.join('\n')).toBe(true);
    // After the audit step's policy went in, and before its first probe.
    const applies = log.map((l, i) => (l.includes(' apply ') ? i : -1)).filter((i) => i >= 0);
    expect(Math.min(...enabled)).toBeGreaterThan(applies[2]); // app, rules-per-peer, audit-mode
    expect(log.slice(applies[2], Math.max(...enabled)).filter((l) => l.includes(' -- curl '))).toEqual([]);
    // Off for every endpoint before the third step's policies, and nothing left on at the end.
    const disabled = PODS.map((p) => log.lastIndexOf(setting(AGENTS[p.node as keyof typeof AGENTS], p.id, 'Disabled')));
    expect(Math.min(...disabled)).toBeGreaterThan(Math.max(...enabled));
    expect(Math.max(...disabled)).toBeLessThan(applies[3]);
    expect(cluster.audited.size).toBe(0);
    expect(log.some((l) => l.includes('ciliumendpoint --namespace scarif node-exporter'))).toBe(false);
  });

  it('after a failure while switching it on, reports the step as failed and switches every endpoint off again', async () => {
    const cluster = new AuditCluster('103');
    const result = await runLabOnCluster(lab, options(cluster));
    expect(result.error).toMatch(/^step audit-mode: could not set PolicyAuditMode on endpoint 103 \(pod scarif\/archivist\): .*endpoint is being regenerated/s);
    // Stopped at the audit step, and what it had switched on is off again.
    expect(result.steps.map((s) => s.id)).toEqual(['rules-per-peer']);
    expect(cluster.log.filter((l) => l.endsWith('PolicyAuditMode=Enabled'))).toHaveLength(3);
    expect(cluster.audited.size).toBe(0);
    for (const p of PODS) expect(cluster.log).toContain(setting(AGENTS[p.node as keyof typeof AGENTS], p.id, 'Disabled'));
  });

  it('after Ctrl-C, the clean-up switches it off for the lab\'s pods on the runner\'s cluster, and never reaches kube-system elsewhere', async () => {
    const cluster = new AuditCluster();
    cluster.audited.add('101').add('104');
    expect(await cleanupAfterInterrupt(cluster, 'kind-netpol-labs', lab, {ownCluster: true})).toBe(true);
    expect(cluster.audited.size).toBe(0);
    const elsewhere = new AuditCluster();
    await cleanupAfterInterrupt(elsewhere, 'dev-cluster', lab, {ownCluster: false});
    expect(elsewhere.log.filter((l) => l.includes('kube-system') || l.includes('ciliumendpoint'))).toEqual([]);
  });

  it('refuses the step on a cluster that is not the runner\'s own before anything is applied', async () => {
    const cluster = new AuditCluster();
    await expect(runLabOnCluster(lab, options(cluster, false))).rejects.toThrow(Refused);
    await expect(runLabOnCluster(lab, options(cluster, false))).rejects.toThrow(/step audit-mode of imperial-archive puts the lab's pods in policy audit mode, .*only on its own kind cluster \(--target kind\). Nothing was applied/);
    expect(cluster.log).toEqual([]);
  });
});
