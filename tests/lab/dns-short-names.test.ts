/**
 * A DNS probe of a Service's short name is judged on the name the client really asks: the runner
 * sends `deathstar.empire.svc.cluster.local.` (absoluteName), so a DNS rule allowing
 * `*.*.svc.cluster.local` lets the lookup through in the simulator as on a cluster.
 */
import {describe, expect, it} from 'vitest';
import {parseLab} from '../../src/lab';
import {lookupName, simulateStep} from '../../src/lab/simulate-step';
import {OUTPOST_DIR, OUTPOST_TEXT, readOutpostFile} from './outpost-fixture';

const DIR = OUTPOST_DIR;
const read = readOutpostFile;

describe('DNS probes of short names', () => {
  it('are checked against DNS rules under their full name', () => {
    const text = OUTPOST_TEXT.replace(
      '    probes:\n      - from: tiefighter\n        url: http://deathstar.empire.svc.cluster.local/v1\n        expect: allowed\n        why: "The lookup matches',
      '    probes:\n      - from: tiefighter\n        dns: deathstar\n        expect: allowed\n        why: A test.\n      - from: tiefighter\n        url: http://deathstar.empire.svc.cluster.local/v1\n        expect: allowed\n        why: "The lookup matches',
    );
    const {lab, errors} = parseLab(text, `${DIR}/lab.yaml`, read, 'outpost');
    expect(errors).toEqual([]);
    const step = lab!.steps.find((s) => s.id === 'dns-cluster-names-only')!;
    expect(step.probes[0].request).toEqual({kind: 'dns', name: 'deathstar'});
    expect(lookupName(step.probes[0])).toBe('deathstar.empire.svc.cluster.local');
    expect(simulateStep(lab!, step).predictions[0].outcome).toBe('allowed');
  });
});
