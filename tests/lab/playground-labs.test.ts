/** The playground's lab picker offers every lab of labs/, each exactly as the runner loads it. */
import {describe, expect, it} from 'vitest';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {DEFAULT_STEP, PLAYGROUND_LABS, deathstar} from '../../src/components/Playground/labs';

const onDisk = listLabDirs().map((dir) => readLabOrThrow(dir));

describe('the playground\'s labs', () => {
  it('are every lab of labs/, in the course\'s order (module 1 first), titled as lab.yaml says', () => {
    expect([...PLAYGROUND_LABS.map((l) => l.id)].sort()).toEqual(onDisk.map((l) => l.id).sort());
    expect(PLAYGROUND_LABS[0].id).toBe('deathstar');
    for (const entry of PLAYGROUND_LABS) expect(entry.title, entry.id).toBe(onDisk.find((l) => l.id === entry.id)!.title);
  });

  it('load to the steps, probes and policy texts of the files on disk', async () => {
    for (const lab of onDisk) {
      const offered = await PLAYGROUND_LABS.find((l) => l.id === lab.id)!.load();
      expect(offered.id).toBe(lab.id);
      expect(offered.steps.map((s) => s.id)).toEqual(lab.steps.map((s) => s.id));
      for (const [i, step] of lab.steps.entries()) {
        expect(offered.steps[i].probes.map((p) => `${p.from} ${p.label} ${p.expect}`)).toEqual(step.probes.map((p) => `${p.from} ${p.label} ${p.expect}`));
        expect(offered.steps[i].policies.map((m) => m.text)).toEqual(step.policies.map((m) => m.text));
      }
    }
  });

  it('open on a step that exists', () => {
    expect(deathstar.steps.map((s) => s.id)).toContain(DEFAULT_STEP);
  });
});
