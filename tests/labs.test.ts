// Every lab under labs/: it loads, every file it names exists and parses as Kubernetes objects, and
// it keeps the house rules that the lessons and the runner rely on. Failures say how to fix them.
import {readdirSync, readFileSync} from 'node:fs';
import {basename, join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {formatLabError, labJsonSchema} from '../src/lab';
import {listLabDirs, readLab} from '../src/lab/node/read-lab';
import {simulateLab, simulateStep} from '../src/lab/simulate-step';
import {stepScenario} from '../src/lab/to-scenario';
import {formatError} from '../src/policy';

const labDirs = listLabDirs();

describe('labs', () => {
  it('exist', () => {
    expect(labDirs.map((d) => basename(d))).toContain('deathstar');
  });

  describe.each(labDirs.map((dir) => [basename(dir), dir]))('%s', (_name, dir) => {
    const {lab, errors} = readLab(dir);

    it('loads without errors', () => {
      expect(errors.map(formatLabError)).toEqual([]);
      expect(lab).toBeDefined();
    });

    it('names only files that exist and parse as Kubernetes objects', () => {
      for (const manifest of [...lab!.app, ...lab!.steps.flatMap((s) => s.policies)]) {
        expect(manifest.objects.length, `${manifest.file} holds no object`).toBeGreaterThan(0);
        for (const {object} of manifest.objects) {
          expect(object.apiVersion, manifest.file).toMatch(/^[a-z0-9.]*\/?v\d+/);
          expect(object.metadata.name, manifest.file).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
        }
      }
    });

    it('uses every YAML file of its folder (no orphan manifests)', () => {
      const used = new Set([...lab!.app, ...lab!.steps.flatMap((s) => s.policies)].map((m) => m.path));
      const present = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== 'lab.yaml');
      expect(present.filter((f) => !used.has(f)), 'files no step or app entry names').toEqual([]);
    });

    it('starts every manifest with a one-line comment saying what it does', () => {
      for (const manifest of [...lab!.app, ...lab!.steps.flatMap((s) => s.policies)]) {
        const [first, second] = manifest.text.split('\n');
        expect(first, `${manifest.file}: first line should be "# <what this allows or denies>"`).toMatch(/^# \S.{10,}$/);
        expect(second, `${manifest.file}: the comment is one line`).not.toMatch(/^#/);
      }
    });

    it('gives every Cilium policy a spec.description', () => {
      for (const {object, file} of lab!.steps.flatMap((s) => s.policies).flatMap((m) => m.objects)) {
        if (!object.kind.startsWith('Cilium')) continue;
        const spec = object.spec as {description?: unknown} | undefined;
        // description belongs under spec: strict field validation rejects it at the top level.
        expect(typeof spec?.description, `${file}: ${object.metadata.name} needs spec.description`).toBe('string');
        expect(object).not.toHaveProperty('description');
      }
    });

    it('pins every image by tag, never latest or a digest (kind load finds images by tag only)', () => {
      const images = lab!.app
        .flatMap((m) => m.objects)
        .flatMap(({object}) => JSON.stringify(object).match(/"image":"[^"]+"/g) ?? [])
        .map((s) => s.slice(9, -1));
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) expect(image, image).toMatch(/^[a-z0-9./-]+:v?\d[\w.-]*$/);
    });

    it('never expects a request that crashes the deathstar to get through', () => {
      // PUT /v1/exhaust-port makes the starwars server panic about 2 s later (github.com/cilium/starwars-docker).
      const crashing = lab!.steps
        .flatMap((s) => s.probes.map((p) => ({step: s.id, ...p})))
        .filter((p) => (p.target.path ?? '').startsWith('/v1/exhaust-port') && p.expect === 'allowed');
      expect(crashing).toEqual([]);
    });

    it('has policies that the engine accepts as valid Kubernetes and Cilium objects', () => {
      for (const step of lab!.steps) {
        const {errors: policyErrors} = stepScenario(lab!, step);
        expect(policyErrors.map(formatError), step.id).toEqual([]);
      }
    });

    it('claims, for every probe, what the policy engine predicts', () => {
      const mismatches: string[] = [];
      // simulateLab, as the runner's simulator plays it: steps in order with the DNS cache the earlier
      // ones left; a probe of a name looks it up first, so an egress policy that forgets DNS makes it
      // unresolved (a bare evaluateScenario cannot say so).
      for (const {step, simulation} of simulateLab(lab!)) {
        expect(simulation.errors.map(formatError), step.id).toEqual([]);
        for (const prediction of simulation.predictions) {
          const probe = step.probes[prediction.index];
          if (prediction.outcome !== probe.expect) {
            mismatches.push(`${step.id}: ${probe.from} ${probe.label}: lab says ${probe.expect}, engine predicts ${prediction.outcome}`);
          }
        }
        expect(simulation.predictions.length, step.id).toBe(step.probes.length);
      }
      expect(mismatches).toEqual([]);
    });

    // On a cluster the agents' DNS caches outlive a step and a run (the app's pods are kept, answers
    // last their TTL), so `run --step` on a fresh app starts with less than the steps before it left,
    // and a second run with more. A step whose outcome depended on that would pass or fail by history.
    it('has no step whose outcome depends on what the DNS caches hold from other steps or runs', () => {
      const inOrder = simulateLab(lab!);
      const afterRun = inOrder.at(-1)!.simulation.dnsCache;
      const differences: string[] = [];
      for (const {step, simulation} of inOrder) {
        for (const [start, cache] of [['an empty cache', []], ['the cache a whole run leaves', afterRun]] as const) {
          const alone = simulateStep(lab!, step, {dnsCache: cache});
          for (const prediction of alone.predictions) {
            const expected = simulation.predictions.find((p) => p.index === prediction.index)!.outcome;
            if (prediction.outcome !== expected) differences.push(`${step.id} #${prediction.index + 1} with ${start}: ${prediction.outcome}, in lab order ${expected}`);
          }
        }
      }
      expect(differences).toEqual([]);
    });

    it('declares the JSON Schema for editors on its first line', () => {
      const first = readFileSync(join(dir, 'lab.yaml'), 'utf8').split('\n')[0];
      expect(first).toBe('# yaml-language-server: $schema=../../schemas/lab.schema.json');
    });
  });
});

describe('the deathstar lab', () => {
  const {lab} = readLab('labs/deathstar');
  it('teaches all three outcomes with the steps the course promises', () => {
    expect(lab!.steps.map((s) => s.id)).toEqual([
      'no-policy',
      'k8s-allow-empire',
      'cilium-l3-l4',
      'cilium-l7',
      'l4-wildcards-l7',
      'ingress-entity',
    ]);
    const outcomes = new Set(lab!.steps.flatMap((s) => s.probes.map((p) => p.expect)));
    expect([...outcomes].sort()).toEqual(['allowed', 'dropped', 'l7-denied']);
  });

  it('expects the 403 body Envoy sends and the body the deathstar sends on landing', () => {
    const bodies = lab!.steps.flatMap((s) => s.probes).map((p) => [p.expect, p.body]);
    // Envoy: "Access denied" (+CRLF); starwars: "Ship landed" (cilium/cilium Documentation/gettingstarted/demo.rst).
    expect(bodies).toContainEqual(['l7-denied', 'Access denied']);
    expect(bodies).toContainEqual(['allowed', 'Ship landed']);
  });
});

describe('schemas/lab.schema.json', () => {
  it('is what `npm run schemas` generates from the zod schema', () => {
    const committed = JSON.parse(readFileSync('schemas/lab.schema.json', 'utf8'));
    expect(committed, 'run `npm run schemas` and commit the result').toEqual(labJsonSchema());
  });
});
