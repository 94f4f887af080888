/**
 * The outcomes a learner may predict for a probe (possibleOutcomes, used by predict-first probe
 * tables) are exactly those the lab loader accepts as the probe's `expect`: for each kind, target
 * (a name or an address) and source, every outcome is tried on the loader with the outpost test lab.
 */
import {describe, expect, it} from 'vitest';
import {parseLab} from '../../src/lab';
import {parse} from 'yaml';
import {predictableOutcomes} from '../../src/components/ProbeTable/labText';
import {OUTCOMES, possibleOutcomes, type OutcomeConditions} from '../../src/lab/outcome';
import type {ProbeFile} from '../../src/lab/schema';
import {OUTPOST_DIR, OUTPOST_TEXT, readOutpostFile} from './outpost-fixture';

const DIR = OUTPOST_DIR;
const TEXT = OUTPOST_TEXT;
const read = readOutpostFile;

/** The fixture lab with one step holding one probe (YAML lines under `- from: ...`). */
function labWith(from: string, probe: string, outcome: string): string {
  const head = TEXT.slice(0, TEXT.indexOf('\nsteps:') + 1);
  return `${head}steps:\n  - id: only\n    title: One probe\n    policies: []\n    probes:\n      - from: ${from}\n        ${probe}\n        expect: ${outcome}\n        why: A test.\n`;
}

function accepts(from: string, probe: string, outcome: string): boolean {
  const {lab, errors} = parseLab(labWith(from, probe, outcome), `${DIR}/lab.yaml`, read, 'outpost');
  if (!lab && errors.some((e) => e.code !== 'impossible-outcome')) {
    throw new Error(`the variant itself is invalid: ${errors.map((e) => e.message).join('; ')}`);
  }
  return lab !== undefined;
}

// Each variant with its conditions stated by hand: what kind it is, whether its target is a name
// the client looks up, whether it comes from outside.
const variants: {name: string; from: string; probe: string; conditions: OutcomeConditions}[] = [
  {name: 'HTTP to a Service name', from: 'tiefighter', probe: 'url: http://deathstar.empire.svc.cluster.local/v1', conditions: {kind: 'http', resolvesName: true, fromOutside: false}},
  {name: 'HTTP to an address', from: 'tiefighter', probe: 'url: http://172.30.0.50/', conditions: {kind: 'http', resolvesName: false, fromOutside: false}},
  {name: 'HTTP from outside', from: 'outside', probe: 'url: http://deathstar.empire.svc.cluster.local/v1', conditions: {kind: 'http', resolvesName: true, fromOutside: true}},
  {name: 'gRPC to a Service name', from: 'tiefighter', probe: 'url: http://cc-door-server.empire.svc.cluster.local:50051/cloudcity.DoorManager/GetName\n        grpc: true', conditions: {kind: 'grpc', resolvesName: true, fromOutside: false}},
  {name: 'TCP to a Service name', from: 'tiefighter', probe: 'tcp: deathstar.empire.svc.cluster.local:80', conditions: {kind: 'tcp', resolvesName: true, fromOutside: false}},
  {name: 'TCP to an address', from: 'tiefighter', probe: 'tcp: 172.30.0.50:80', conditions: {kind: 'tcp', resolvesName: false, fromOutside: false}},
  {name: 'DNS lookup', from: 'tiefighter', probe: 'dns: mos-eisley.example', conditions: {kind: 'dns', resolvesName: true, fromOutside: false}},
  {name: 'ping to a headless Service', from: 'rebels/xwing', probe: 'icmp: probes.empire.svc.cluster.local', conditions: {kind: 'icmp', resolvesName: true, fromOutside: false}},
  {name: 'ping to an address', from: 'rebels/xwing', probe: 'icmp: 172.30.0.50', conditions: {kind: 'icmp', resolvesName: false, fromOutside: false}},
];

describe('possibleOutcomes', () => {
  for (const variant of variants) {
    it(`${variant.name}: offers exactly the outcomes the loader accepts`, () => {
      const accepted = OUTCOMES.filter((outcome) => accepts(variant.from, variant.probe, outcome));
      expect(possibleOutcomes(variant.conditions)).toEqual(accepted);
      // The probe table reads the same conditions from lab.yaml's data alone.
      const probe = parse(`from: ${variant.from}\n${variant.probe.replace(/\n {8}/g, '\n')}\nexpect: allowed\nwhy: A test.`) as ProbeFile;
      expect(predictableOutcomes(probe)).toEqual(accepted);
    });
  }

  it('offers l7-denied only to requests a proxy reads, and unresolved only to looked-up names', () => {
    // Spelled out, so a loader change that widened both sides alike would still show here.
    expect(possibleOutcomes({kind: 'tcp', resolvesName: true, fromOutside: false})).toEqual(['allowed', 'dropped', 'unresolved']);
    expect(possibleOutcomes({kind: 'icmp', resolvesName: false, fromOutside: false})).toEqual(['allowed', 'dropped']);
    expect(possibleOutcomes({kind: 'dns', resolvesName: true, fromOutside: false})).toEqual(['allowed', 'dropped', 'l7-denied']);
    expect(possibleOutcomes({kind: 'http', resolvesName: true, fromOutside: false})).toEqual(['allowed', 'dropped', 'l7-denied', 'unresolved']);
    expect(possibleOutcomes({kind: 'http', resolvesName: true, fromOutside: true})).toEqual(['allowed', 'dropped', 'l7-denied']);
  });
});
