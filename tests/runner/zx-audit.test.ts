/**
 * The zx script of a lab with a step in policy audit mode (`netpol-labs export --zx`), run in this
 * process against the scripted cluster of audit-cluster.ts: zx's `$`, `echo`, `chalk`, `argv`,
 * `sleep` and `process.exit` are stand-ins, everything else is the generated script as it is given
 * out. It must do what the runner does on kind: each pod's endpoint in audit mode after the step's
 * policies, in the agent on its node, and off again before the next step and when it stops early.
 */
import {describe, expect, it} from 'vitest';
import {zxScript} from '../../src/runner/zx-script';
import type {Command} from '../../src/runner/exec';
import {AGENTS, AuditCluster, lab, PODS, ROOT} from './audit-cluster';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Runs the generated script; its output lines and exit code (0 when it ran to the end). */
async function play(cluster: AuditCluster): Promise<{code: number; lines: string[]}> {
  const script = (await zxScript(lab, ROOT)).replace(/^#!.*\n/, '');
  const lines: string[] = [];
  const $ = Object.assign(
    (options: {input?: string}) => async (_strings: TemplateStringsArray, file: string, args: string[]) => {
      const r = await cluster.run({file, args, ...(options.input ? {input: options.input} : {}), timeoutMs: 0} as Command);
      return {exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr};
    },
    {verbose: false},
  );
  const plain = (s: string) => s;
  const fakeProcess = {env: process.env, once: () => {}, exit: (code: number) => {
    throw new Exit(code);
  }};
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  const run = new AsyncFunction('$', 'echo', 'chalk', 'argv', 'sleep', 'which', 'process', script);
  try {
    await run($, (s: string) => lines.push(s), {red: plain, green: plain, bold: plain}, {}, async () => {}, async () => true, fakeProcess);
    return {code: 0, lines};
  } catch (error) {
    if (error instanceof Exit) return {code: error.code, lines};
    throw error;
  }
}

const setting = (agent: string, id: string, state: 'Enabled' | 'Disabled') =>
  `kubectl --context kind-netpol-labs exec --namespace kube-system ${agent} --container cilium-agent -- cilium-dbg endpoint config ${id} PolicyAuditMode=${state}`;
const agentOf = (node: string) => AGENTS[node as keyof typeof AGENTS];

describe('the zx script of a step in policy audit mode', () => {
  it('switches each endpoint on after the step\'s policies and off before the next step; every probe holds', async () => {
    const cluster = new AuditCluster();
    const {code, lines} = await play(cluster);
    const probes = lab.steps.flatMap((s) => s.probes).length;
    expect(code, lines.join('\n')).toBe(0);
    expect(lines).toContain(`\nPASS: ${probes}/${probes} probes as expected`);
    const log = cluster.log;
    const policyApplies = log.map((l, i) => (l.includes(' apply ') ? i : -1)).filter((i) => i >= 0).slice(1); // the app first
    const enabled = PODS.map((p) => log.indexOf(setting(agentOf(p.node), p.id, 'Enabled')));
    const disabled = PODS.map((p) => log.lastIndexOf(setting(agentOf(p.node), p.id, 'Disabled')));
    expect(enabled.every((i) => i > policyApplies[1]), log.join('\n')).toBe(true);
    expect(log.slice(policyApplies[1], Math.max(...enabled)).some((l) => l.includes(' -- curl '))).toBe(false);
    expect(Math.min(...disabled)).toBeGreaterThan(Math.max(...enabled));
    expect(Math.max(...disabled)).toBeLessThan(policyApplies[2]);
    expect(cluster.audited.size).toBe(0);
  });

  it('stops (exit 2) when an endpoint cannot be switched on, and switches the others off first', async () => {
    const cluster = new AuditCluster('103');
    const {code, lines} = await play(cluster);
    expect(code).toBe(2);
    expect(lines.join('\n')).toMatch(/FAILED: policy audit mode: endpoint 103 \(pod scarif\/archivist\): Error: endpoint is being regenerated/);
    expect(cluster.log.filter((l) => l.endsWith('PolicyAuditMode=Enabled'))).toHaveLength(3);
    expect(cluster.audited.size).toBe(0);
  });
});
