/** .github/workflows/labs.yml and the runner agree: same pinned versions, same commands. */
import {readFileSync} from 'node:fs';
import {resolve} from 'node:path';
import {parse} from 'yaml';
import {describe, expect, it} from 'vitest';
import {CILIUM_CLI_VERSION, KIND_NODE_IMAGE, KIND_VERSION} from '../../src/runner/constants';

const workflow = parse(readFileSync(resolve(__dirname, '../../.github/workflows/labs.yml'), 'utf8'));
const runs = (job: string): string[] => workflow.jobs[job].steps.map((s: {run?: string}) => s.run ?? '').filter(Boolean);

describe('labs workflow', () => {
  it('pins the versions the runner is written against', () => {
    expect(workflow.env.KIND_VERSION).toBe(KIND_VERSION);
    expect(workflow.env.CILIUM_CLI_VERSION).toBe(CILIUM_CLI_VERSION);
    expect(workflow.env.KUBECTL_VERSION).toBe(KIND_NODE_IMAGE.split(':')[1]);
    for (const job of Object.values(workflow.jobs) as {steps: {uses?: string}[]}[]) {
      for (const step of job.steps) if (step.uses) expect(step.uses, 'actions are pinned to a version').toMatch(/@v\d+(\.\d+\.\d+)?$/);
    }
  });

  it('runs up --preload, verify --target kind with reports, and always deletes the cluster', () => {
    const kind = runs('kind');
    expect(kind).toContain('node scripts/netpol-labs.mjs up --preload');
    expect(kind).toContain('node scripts/netpol-labs.mjs verify --target kind --junit reports/junit.xml --json reports/labs.json');
    const last = workflow.jobs.kind.steps.at(-1);
    expect(last).toMatchObject({if: '${{ always() }}', run: 'node scripts/netpol-labs.mjs down'});
    expect(kind.join('\n')).toContain('fs.inotify.max_user_watches=524288');
    expect(runs('sim')).toContain('node scripts/netpol-labs.mjs verify --target sim --junit reports/junit-sim.xml --json reports/labs-sim.json');
  });
});
