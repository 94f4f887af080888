/** The playground's lab picker offers every lab of labs/, each exactly as the runner loads it. */
import {describe, expect, it} from 'vitest';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {DEFAULT_LAB, DEFAULT_STEP, PLAYGROUND_LABS} from '../../src/components/Playground/labs';

const onDisk = listLabDirs().map((dir) => readLabOrThrow(dir));

describe('the playground\'s labs', () => {
  it('are every lab of labs/, in the course\'s order (module 1 first)', () => {
    expect([...PLAYGROUND_LABS.map((l) => l.id)].sort()).toEqual(onDisk.map((l) => l.id).sort());
    expect(PLAYGROUND_LABS[0].id).toBe('deathstar');
  });

  it('have the steps, probes and policy texts of the files on disk', () => {
    for (const lab of onDisk) {
      const offered = PLAYGROUND_LABS.find((l) => l.id === lab.id)!;
      expect(offered.steps.map((s) => s.id)).toEqual(lab.steps.map((s) => s.id));
      for (const [i, step] of lab.steps.entries()) {
        expect(offered.steps[i].probes.map((p) => `${p.from} ${p.label} ${p.expect}`)).toEqual(step.probes.map((p) => `${p.from} ${p.label} ${p.expect}`));
        expect(offered.steps[i].policies.map((m) => m.text)).toEqual(step.policies.map((m) => m.text));
      }
    }
  });

  it('open on a step that exists', () => {
    expect(PLAYGROUND_LABS.find((l) => l.id === DEFAULT_LAB)?.steps.map((s) => s.id)).toContain(DEFAULT_STEP);
  });
});
