/**
 * `run --interactive` through the real command's stdin: before each step it shows the step's
 * policies and waits for Enter; at the end of stdin (CI has none) it neither hangs nor fails, it
 * plays the rest without pausing. On the sim target and on the stand-in cluster.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {isRunning, ROOT, startRunner, standinCluster, waitFor, type RunnerProcess, type StandinCluster} from './standin-cluster';

const lab = readLabOrThrow(`${ROOT}/labs/deathstar`);
const PROMPT = 'Press Enter to apply step';
const TABLE_HEADER = /expected +(simulated|observed) +evidence/g;
const count = (text: string, what: string | RegExp) => (typeof what === 'string' ? text.split(what).length - 1 : (text.match(what) ?? []).length);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const runs: {run: RunnerProcess; cluster: StandinCluster}[] = [];
function start(cluster: StandinCluster, args: string[], env: Record<string, string> = {}, stdin: 'ignore' | 'pipe' = 'pipe') {
  const run = startRunner(cluster, args, env, stdin);
  runs.push({run, cluster});
  return run;
}
afterEach(() => {
  for (const {run, cluster} of runs.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    for (const c of cluster.calls()) if (isRunning(c.pid)) process.kill(c.pid, 'SIGKILL');
  }
});

describe('run --interactive (sim)', () => {
  it("shows each step's policies, waits for Enter, and only then prints that step's probes", async () => {
    const run = start(standinCluster(), ['run', 'deathstar', '--target', 'sim', '--interactive']);
    for (const [i, step] of lab.steps.entries()) {
      await waitFor(() => count(run.stderr(), PROMPT) === i + 1, `the prompt of step ${step.id}`);
      expect(run.stderr()).toContain(`${PROMPT} "${step.id}" and simulate its ${step.probes.length} probes (Ctrl-C stops)`);
      const out = run.stdout();
      // The policies of this step are on screen, after its header, and its table is not yet.
      const header = out.lastIndexOf(`deathstar / ${step.id}:`);
      expect(header).toBeGreaterThan(-1);
      const shown = out.slice(header);
      if (step.policies.length === 0) expect(shown).toContain('policies: none (every policy of the lab is removed)');
      for (const m of step.policies) {
        expect(shown).toContain(`--- ${m.file}`);
        const name = /^ {2}name: (.+)$/m.exec(m.text)![1];
        expect(shown).toContain(`|   name: ${name}`);
      }
      expect(count(out, TABLE_HEADER), 'tables printed before Enter').toBe(i);
      // It really waits: nothing more happens until Enter.
      await sleep(300);
      expect(count(run.stdout(), TABLE_HEADER)).toBe(i);
      expect(run.child.exitCode).toBeNull();
      run.child.stdin!.write('\n');
      await waitFor(() => count(run.stdout(), TABLE_HEADER) === i + 1, `the table of step ${step.id}`);
    }
    const exit = await run.exited;
    expect(exit.code, run.stdout() + run.stderr()).toBe(0);
    expect(run.stdout()).toContain('SIMULATED: PASS: 18/18 probes as expected');
    expect(run.stderr()).not.toContain('stdin is closed');
  });

  it('with no stdin at all (CI) does not hang: it says so once and plays every step', async () => {
    const run = start(standinCluster(), ['run', 'deathstar', '--target', 'sim', '--interactive'], {}, 'ignore');
    const started = Date.now();
    const exit = await run.exited;
    expect(exit.code, run.stdout() + run.stderr()).toBe(0);
    expect(exit.at - started).toBeLessThan(15_000);
    expect(count(run.stderr(), '(stdin is closed: continuing without pausing)')).toBe(1);
    expect(run.stdout()).toContain('SIMULATED: PASS: 18/18 probes as expected');
  });

  it('stdin ending mid-run: the first Enter is honoured, then no more pauses', async () => {
    const run = start(standinCluster(), ['run', 'deathstar', '--target', 'sim', '--interactive']);
    await waitFor(() => count(run.stderr(), PROMPT) === 1, 'the first prompt');
    run.child.stdin!.end('\n');
    const exit = await run.exited;
    expect(exit.code, run.stdout() + run.stderr()).toBe(0);
    // Step 1's prompt got its Enter; step 2's prompt met the end of stdin; steps 3-5 did not prompt.
    expect(count(run.stderr(), PROMPT)).toBe(2);
    expect(count(run.stderr(), '(stdin is closed: continuing without pausing)')).toBe(1);
    expect(count(run.stdout(), TABLE_HEADER)).toBe(lab.steps.length);
  });

  it('Ctrl-C at the pause stops with 130 and runs no further step', async () => {
    const run = start(standinCluster(), ['run', 'deathstar', '--target', 'sim', '--interactive']);
    await waitFor(() => count(run.stderr(), PROMPT) === 1, 'the first prompt');
    run.child.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code, run.stdout() + run.stderr()).toBe(130);
    expect(run.stdout()).toContain('interrupted');
    expect(count(run.stdout(), TABLE_HEADER)).toBe(0);
  });
});

describe('run --interactive (stand-in kind cluster)', () => {
  it('pauses before applying the step: no policy applied and no probe sent until Enter', async () => {
    const cluster = standinCluster();
    const run = start(cluster, ['run', 'deathstar', '--target', 'kind', '--interactive', '--step', 'k8s-allow-empire']);
    await waitFor(() => count(run.stderr(), PROMPT) === 1, 'the prompt');
    expect(run.stderr()).toContain(`${PROMPT} "k8s-allow-empire" and run its 2 probes (Ctrl-C stops)`);
    expect(run.stdout()).toContain('--- labs/deathstar/deathstar-allow-empire.yaml');
    await sleep(300);
    // The app is deployed, the step's policy is not, and no probe ran.
    expect(cluster.state().policies).toEqual({});
    expect(cluster.calls().filter((c) => c.args.includes('curl'))).toEqual([]);
    run.child.stdin!.write('\n');
    const exit = await run.exited;
    expect(exit.code, run.stdout() + run.stderr()).toBe(0);
    expect(Object.keys(cluster.state().policies)).toEqual(['NetworkPolicy/deathstar-allow-empire']);
    expect(cluster.calls().filter((c) => c.args.includes('curl')).length).toBeGreaterThanOrEqual(2);
    expect(run.stdout()).toContain('PASS: 2/2 probes as expected across 1 lab(s) (target kind, context kind-netpol-labs)');
  });

  it('Ctrl-C at the pause exits 130 and removes the lab policies it labelled', async () => {
    const cluster = standinCluster();
    const run = start(cluster, ['run', 'deathstar', '--target', 'kind', '--interactive']);
    await waitFor(() => count(run.stderr(), PROMPT) === 1, 'the prompt');
    const before = cluster.calls().length;
    run.child.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code, run.stdout() + run.stderr()).toBe(130);
    expect(run.stdout()).toContain('cleaned up; the next run starts from a clean state');
    const after = cluster.calls().slice(before);
    expect(after.map((c) => c.args[2])).toEqual(['delete']);
    expect(after[0].args).toContain('app.kubernetes.io/managed-by=netpol-labs,netpol-labs.io/lab=deathstar');
  });

  it('--help says where Enter is read from and what happens without stdin', async () => {
    const run = start(standinCluster(), ['run', '--help'], {}, 'ignore');
    expect((await run.exited).code).toBe(0);
    expect(run.stdout()).toContain('--interactive              pause before each step, show its policies and wait for Enter');
    expect(run.stdout()).toContain('when stdin ends or is closed (Ctrl-D, a piped script, CI)');
    expect(run.stdout()).toContain('the run says so and plays the remaining steps without pausing');
  });
});
