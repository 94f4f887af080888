import type {z} from 'zod';
import {challengeProbeSchema, challengeSchema, nearMissSchema} from './challenge-schema';
import type {LabError} from './errors';
import {checkAppManifest, indexApp, yamlSyntaxErrors, inNamespaces, issueToErrors, sameDestination, sameSource, unguardedMessage, type KeyContext, type Lab, type LabFileReader, type Manifest, type Probe} from './load';
import {parseManifests} from './manifests';
import {resolveProbe} from './resolve-probe';
import {parseSource, positionOf} from './yaml-source';

/**
 * A challenge of a lab (labs/<lab>/challenges/<id>/challenge.yaml), loaded and checked against
 * its lab: the same manifest reader, app index and probe resolver as lab.yaml, so a challenge
 * probe means exactly what a step's probe means. Pure: files come through `read`, so Node, the
 * tests and the browser share it.
 */

/** A judged probe, resolved like a step's. */
export interface ChallengeProbe extends Probe {
  id: string;
  /** Hidden from view (never secret: the browser has it). */
  hidden: boolean;
  /** For a hidden probe: what a learner who fails it is told. */
  hint?: string;
}

/** A wrong solution the tests check, and how it must fail. */
export interface NearMiss {
  file: string;
  /** The file as the caller names it, for messages. */
  path: string;
  text: string;
  why: string;
  /** Exactly the probes it fails (ids). */
  fails?: string[];
  /** Or: a part of the message the check refuses it with. */
  error?: string;
  /** A part of the report the learner must see. */
  message?: string;
}

/** A loaded, validated challenge. */
export interface Challenge {
  id: string;
  title: string;
  statement: string;
  /** The policy kinds a solution may contain. */
  kinds: string[];
  /** The namespaces a solution's namespaced policies may be in. */
  policyNamespaces: string[];
  /** challenge.yaml as the caller named it. */
  file: string;
  /** The starting manifest's text ('' when the challenge has none: the editor starts empty). */
  start: string;
  /** The extra app manifests (their objects are also in `lab.app`). */
  app: Manifest[];
  probes: ChallengeProbe[];
  hints: string[];
  solution: Manifest;
  nearMisses: NearMiss[];
  /** The lab with the challenge's namespaces and app added: the cluster a solution is checked on. */
  lab: Lab;
}

const CONTEXT_NAMES = {challenge: 'challenge.yaml', probe: 'a challenge probe', nearMiss: 'a near miss'};

const challengeContext: KeyContext = (path) => {
  if (path.length >= 3 && path[0] === 'probes') return {name: CONTEXT_NAMES.probe, keys: Object.keys(challengeProbeSchema.shape)};
  if (path.length >= 3 && path[0] === 'nearMisses') return {name: CONTEXT_NAMES.nearMiss, keys: Object.keys(nearMissSchema.shape)};
  return {name: CONTEXT_NAMES.challenge, keys: Object.keys(challengeSchema.shape)};
};

/**
 * Parses and validates a challenge.yaml and every file it names, against its lab. Returns every
 * error found, each with file:line:col.
 *
 * @param text contents of challenge.yaml
 * @param file how to name challenge.yaml in messages, e.g. `labs/deathstar/challenges/x/challenge.yaml`
 * @param read reads other files of the challenge folder
 * @param lab the lab the challenge belongs to
 * @param folderName when given, the challenge id must equal it
 * @param options.readNearMisses false to leave near-miss files unread (the site's pages, which
 *   never show them; their entries are still validated): `nearMisses` is then empty
 */
export function parseChallenge(text: string, file: string, read: LabFileReader, lab: Lab, folderName?: string, options: {readNearMisses?: boolean} = {}): {challenge?: Challenge; errors: LabError[]} {
  const source = parseSource(text, file);
  if (source.doc.errors.length > 0) {
    return {errors: yamlSyntaxErrors(source, file)};
  }
  const parsed = challengeSchema.safeParse(source.doc.toJS());
  if (!parsed.success) return {errors: parsed.error.issues.flatMap((issue: z.core.$ZodIssue) => issueToErrors(source, issue, challengeContext))};
  const data = parsed.data;
  const errors: LabError[] = [];
  const at = (path: PropertyKey[], code: string, message: string): void => {
    const {line, col} = positionOf(source, path);
    errors.push({code, file, line, col, message});
  };
  if (folderName !== undefined && data.id !== folderName) at(['id'], 'id-mismatch', `challenge id "${data.id}" must equal its folder name "${folderName}"`);

  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const readFile = (name: string, where: PropertyKey[]): {text: string; path: string} | undefined => {
    const content = read(name);
    if (content === undefined) {
      at(where, 'missing-file', `"${name}" does not exist in ${dir || 'the challenge folder'}; create it or correct the name`);
      return undefined;
    }
    return {text: content, path: dir + name};
  };

  // Namespaces: the lab's, then the challenge's own (for pods the lessons have not shown).
  const extra = data.namespaces ?? [];
  extra.forEach((ns, i) => {
    if (ns === 'default' || ns.startsWith('kube-')) at(['namespaces', i], 'reserved-namespace', `namespace "${ns}" belongs to the cluster; a challenge's pods live in namespaces of their own`);
    else if (lab.namespaces.includes(ns)) at(['namespaces', i], 'duplicate-namespace', `namespace "${ns}" is already the lab's; list only namespaces the lab does not have`);
  });
  const namespaces = [...lab.namespaces, ...extra.filter((ns) => !lab.namespaces.includes(ns))];
  const policyNamespaces = data.policyNamespaces ?? [lab.namespace];
  policyNamespaces.forEach((ns, i) => {
    if (!namespaces.includes(ns)) at(['policyNamespaces', i], 'unknown-namespace', `namespace "${ns}" is not one of this challenge's: ${inNamespaces(namespaces)}`);
  });

  const app: Manifest[] = [];
  (data.app ?? []).forEach((name, i) => {
    const found = readFile(name, ['app', i]);
    if (!found) return;
    const manifest = parseManifests(found.text, found.path);
    errors.push(...manifest.errors);
    const loaded = {path: name, file: found.path, text: found.text, objects: manifest.objects};
    checkAppManifest(loaded, namespaces, errors);
    app.push(loaded);
  });
  const allApp = [...lab.app, ...app];
  const index = indexApp(allApp, namespaces, {names: lab.names, ...(lab.outside ? {outside: lab.outside} : {})});

  const seenIds = new Set<string>();
  const probes = data.probes.map((probe, p) => {
    const where = (field: string) => ['probes', p, field];
    if (seenIds.has(probe.id)) at(where('id'), 'duplicate-probe', `probe id "${probe.id}" is used twice; probe ids must be unique`);
    seenIds.add(probe.id);
    if (probe.hidden === true && probe.hint === undefined) at(where('hidden'), 'hidden-without-hint', 'a hidden probe needs a hint: the learner who fails it sees only that hint, never the probe');
    if (probe.hidden !== true && probe.hint !== undefined) at(where('hint'), 'hint-not-hidden', 'only a hidden probe has a hint (a visible one shows its explanation); add hidden: true or remove hint');
    const {id, hidden, hint, ...labProbe} = probe;
    const resolved = resolveProbe(labProbe, index, (field, code, message) => at(where(field), code, message));
    return resolved && {...resolved, id, hidden: hidden === true, ...(hint !== undefined ? {hint} : {})};
  });
  probes.forEach((probe, p) => {
    if (probe?.destructive && !guarded(probe, probes)) at(['probes', p, 'destructive'], 'destructive-unguarded', guardMessage(probe));
  });

  const solutionFile = readFile(data.solution, ['solution']);
  const startFile = data.start !== undefined ? readFile(data.start, ['start']) : undefined;
  const nearMisses: NearMiss[] = [];
  (data.nearMisses ?? []).forEach((miss, m) => {
    if ((miss.fails === undefined) === (miss.error === undefined)) {
      at(['nearMisses', m], 'near-miss-outcome', 'a near miss says how it fails with exactly one of fails (the probe ids it fails) or error (part of the message it is refused with)');
    }
    miss.fails?.forEach((id, i) => {
      if (!data.probes.some((probe) => probe.id === id)) at(['nearMisses', m, 'fails', i], 'unknown-probe', `no probe has the id "${id}"; the ids are ${data.probes.map((probe) => probe.id).join(', ')}`);
    });
    if (options.readNearMisses === false) return;
    const found = readFile(miss.file, ['nearMisses', m, 'file']);
    if (found) nearMisses.push({file: miss.file, path: found.path, text: found.text, why: miss.why, ...(miss.fails ? {fails: miss.fails} : {}), ...(miss.error ? {error: miss.error} : {}), ...(miss.message ? {message: miss.message} : {})});
  });

  if (errors.length > 0 || !solutionFile) return {errors};
  const challengeLab: Lab = {...lab, namespaces, app: allApp};
  const solution: Manifest = {path: data.solution, file: solutionFile.path, text: solutionFile.text, objects: parseManifests(solutionFile.text, solutionFile.path).objects};
  return {
    challenge: {
      id: data.id,
      title: data.title,
      statement: data.statement,
      kinds: data.kinds,
      policyNamespaces,
      file,
      start: startFile?.text ?? '',
      app,
      probes: probes.filter((x): x is ChallengeProbe => !!x),
      hints: data.hints,
      solution,
      nearMisses,
      lab: challengeLab,
    },
    errors,
  };
}

/**
 * A destructive probe is sent only once a harmless probe from the same client to the same port
 * showed the outcome that proves the request cannot harm the app: l7-denied when the request is
 * expected to reach the L7 proxy (lab.yaml's rule), dropped when it is expected to be dropped.
 */
function guarded(probe: ChallengeProbe, probes: (ChallengeProbe | undefined)[]): boolean {
  const proof = probe.expect === 'dropped' ? 'dropped' : 'l7-denied';
  return probes.some((q) => q !== undefined && !q.destructive && q.expect === proof && sameSource(q, probe) && sameDestination(q, probe));
}

function guardMessage(probe: ChallengeProbe): string {
  if (probe.expect !== 'dropped') return unguardedMessage(probe);
  return `this probe is destructive, so a harmless probe from ${probe.from} to the same port that expects dropped must prove the connection is dropped before it is sent; add one`;
}
