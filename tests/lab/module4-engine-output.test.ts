/**
 * Module 4's pages quote the engine and make claims about HTTP rules beyond the lab's probes. These
 * tests run the engine on the files the pages show and check the outcomes against what Cilium and
 * Envoy document, and that each page quotes the engine's output verbatim, so a lesson cannot drift
 * from the simulator:
 * - the Kafka page: a 1.20 agent has no `kafka` field (cilium/cilium PR #43557 and #44610);
 * - the visibility page: the notes' l7policy is not YAML, its repair means what the notes meant,
 *   an allow-all HTTP rule without default deny refuses nothing, and policy audit mode lets an
 *   L3/L4 drop through while L7 rules still answer 403 ("Policy Audit Mode supports auditing network
 *   policies implemented at networks layers 3 and 4", Documentation/security/policy-creation.rst);
 * - the HTTP pages: the one-rule forms they suggest (`/v1/catalog(/.*)?`, `/v1/catalog(\?.*)?`) and
 *   the `headers` string without a space, as Envoy's full-match RE2 and Cilium's header split read them.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, parsePolicyDocuments, type Probe, type Scenario} from '../../src/policy';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {stepScenario} from '../../src/lab/to-scenario';

const read = (path: string) => readFileSync(path, 'utf8');
const lab = readLabOrThrow('labs/imperial-archive');

/** The scenario of one of the archive's steps, with other probes and options. */
function archiveScenario(stepId: string, probes: Probe[], options: Scenario['options'] = {}): Scenario {
  const step = lab.steps.find((s) => s.id === stepId)!;
  const {scenario, errors} = stepScenario(lab, step);
  expect(errors.map(formatError)).toEqual([]);
  return {...scenario, options, probes};
}

const ARCHIVE = {pod: 'scarif/archive-0'};
const from = (name: string) => ({pod: `scarif/${name}`});

describe('the Kafka page: the notes-style Kafka policy on Cilium 1.20', () => {
  const path = 'labs/l7-refused/kafka-empire-topics.yaml';
  const page = read('docs/l7/kafka.mdx');

  it('is refused at the kafka field, as removed in 1.20, naming what a pruning client silently gets', () => {
    const {policies, errors} = parsePolicyDocuments(read(path), path, {defaultNamespace: 'scarif'});
    expect(policies, 'a refused policy is in force nowhere').toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message.startsWith('spec.ingress[0].toPorts[0].rules.kafka: kafka was removed from CiliumNetworkPolicy in Cilium 1.20')).toBe(true);
    expect(errors[0].message).toMatch(/strict field validation\) rejects the whole object/);
    expect(errors[0].message).toMatch(/L4 allow of every request on the port/);
  });

  it('shows the file and quotes the error verbatim', () => {
    const {errors} = parsePolicyDocuments(read(path), path, {defaultNamespace: 'scarif'});
    expect(page).toContain(`path="${path}"`);
    expect(page).toContain(formatError(errors[0]));
  });
});

describe('the visibility page: the notes\' l7policy, as written and repaired', () => {
  const page = read('docs/l7/visibility.mdx');
  const notes = 'labs/l7-refused/l7policy-notes.yaml';
  const fixed = 'labs/l7-refused/l7policy.yaml';

  it('as written is not YAML: the error points at the `- ports` line, and the page quotes every error', () => {
    const {policies, errors} = parsePolicyDocuments(read(notes), notes, {defaultNamespace: 'default'});
    expect(policies).toEqual([]);
    const lines = errors.map(formatError);
    expect(lines[0]).toMatch(/^labs\/l7-refused\/l7policy-notes\.yaml:11:\d+: YAML syntax error/);
    expect(read(notes).split('\n')[10].trim()).toBe('- ports');
    const block = page.match(/```console title="the simulator's errors for labs\/l7-refused\/l7policy-notes\.yaml"\n([\s\S]*?)\n```/);
    expect(block, 'the page has the block of errors').not.toBeNull();
    expect(block![1].split('\n')).toEqual(lines);
  });

  it('repaired differs from the notes only by the colon, a comment and a description', () => {
    const strip = (text: string) => text.split('\n').filter((l) => !l.startsWith('#') && !l.trim().startsWith('description:')).join('\n');
    expect(strip(read(fixed))).toBe(strip(read(notes)).replace('    - ports\n', '    - ports:\n'));
  });

  it('repaired means what the notes meant: GET /api, or PUT /version with X-some-header: true, from any peer', () => {
    const {policies, errors} = parsePolicyDocuments(read(fixed), fixed, {defaultNamespace: 'default'});
    expect(errors.map(formatError)).toEqual([]);
    const scenario: Scenario = {
      cluster: {
        namespaces: [{name: 'default'}],
        pods: [
          {namespace: 'default', name: 'hello-world', labels: {app: 'hello-world'}},
          {namespace: 'default', name: 'client', labels: {app: 'client'}},
        ],
      },
      policies,
      probes: [
        {from: {pod: 'default/client'}, to: {pod: 'default/hello-world'}, port: 80, http: {method: 'GET', path: '/api'}},
        {from: {pod: 'default/client'}, to: {pod: 'default/hello-world'}, port: 80, http: {method: 'PUT', path: '/version'}},
        {from: {pod: 'default/client'}, to: {pod: 'default/hello-world'}, port: 80, http: {method: 'PUT', path: '/version', headers: {'X-some-header': 'true'}}},
        {from: {pod: 'default/client'}, to: {pod: 'default/hello-world'}, port: 80, http: {method: 'GET', path: '/version'}},
        {from: {pod: 'default/client'}, to: {pod: 'default/hello-world'}, port: 8080},
      ],
    };
    const verdicts = evaluateScenario(scenario).results.map((r) => r.verdict);
    expect(verdicts).toEqual(['allowed', 'l7-denied', 'allowed', 'l7-denied', 'dropped']);
    expect(page).toContain(`path="${notes}"`);
    expect(page).toContain(`path="${fixed}"`);
  });
});

describe('the visibility page: an allow-all HTTP rule, and policy audit mode', () => {
  const page = read('docs/l7/visibility.mdx');

  it('without enableDefaultDeny: false the same rule would close every other port, as the page says', () => {
    const other: Probe = {from: from('uwing'), to: ARCHIVE, port: 8080};
    expect(evaluateScenario(archiveScenario('visibility', [other])).results[0].verdict).toBe('allowed');
    const step = lab.steps.find((s) => s.id === 'visibility')!;
    const text = step.policies[0].text.replace('  enableDefaultDeny:\n    ingress: false\n', '');
    expect(text).not.toBe(step.policies[0].text);
    const {policies, errors} = parsePolicyDocuments(text, 'isolating.yaml', {defaultNamespace: 'scarif'});
    expect(errors.map(formatError)).toEqual([]);
    const isolating = {...archiveScenario('visibility', [other, {from: from('uwing'), to: ARCHIVE, port: 80, http: {method: 'GET', path: '/v1/plans/death-star'}}]), policies};
    expect(evaluateScenario(isolating).results.map((r) => r.verdict)).toEqual(['dropped', 'allowed']);
  });

  it('audit mode on the archive lets the uwing through (reported, not dropped), and the page quotes the engine', () => {
    const probes: Probe[] = [
      {from: from('uwing'), to: ARCHIVE, port: 80, http: {method: 'GET', path: '/v1/catalog'}},
      {from: from('tiefighter'), to: ARCHIVE, port: 80, http: {method: 'PUT', path: '/v1/records/66'}},
    ];
    const enforced = evaluateScenario(archiveScenario('rules-per-peer', probes)).results;
    expect(enforced.map((r) => r.verdict)).toEqual(['dropped', 'l7-denied']);
    const audited = evaluateScenario(archiveScenario('rules-per-peer', probes, {auditEndpoints: ['scarif/archive-0']})).results;
    expect(audited.map((r) => r.verdict)).toEqual(['allowed', 'l7-denied']);
    expect(audited[0].audit).toBe('dropped');
    const text = audited[0].explanation.find((e) => e.reason === 'audit')!.text;
    expect(text).toMatch(/Hubble verdict AUDIT/);
    expect(page).toContain(text);
  });
});

describe('the HTTP pages: the forms they suggest, as Envoy matches them', () => {
  /** The verdict of each GET path (with headers) to the archive under one HTTP rule for every peer on port 80. */
  const verdicts = (fields: {method?: string; path?: string}, headers: string[], requests: {path: string; headers?: Record<string, string>}[]) => {
    const rule = JSON.stringify({...fields, ...(headers.length ? {headers} : {})});
    const text = `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: r, namespace: scarif}\nspec:\n  endpointSelector: {matchLabels: {class: archive}}\n  ingress:\n    - toPorts:\n        - ports: [{port: "80", protocol: TCP}]\n          rules:\n            http:\n              - ${rule}\n`;
    const {policies, errors} = parsePolicyDocuments(text, 'rule.yaml', {});
    expect(errors.map(formatError)).toEqual([]);
    const probes: Probe[] = requests.map((r) => ({from: from('tiefighter'), to: ARCHIVE, port: 80, http: {method: 'GET', path: r.path, headers: r.headers ?? {}}}));
    return evaluateScenario({...archiveScenario('open', probes), policies}).results.map((r) => r.verdict);
  };

  it('/v1/catalog(/.*)? is the catalog and everything under it, and nothing that only starts alike', () => {
    expect(verdicts({method: 'GET', path: '/v1/catalog(/.*)?'}, [], ['/v1/catalog', '/v1/catalog/', '/v1/catalog/a/b', '/v1/catalog-restricted', '/v1/catalogue'].map((path) => ({path}))))
      .toEqual(['allowed', 'allowed', 'allowed', 'l7-denied', 'l7-denied']);
  });

  it('/v1/catalog(\\?.*)? takes the query string the plain path refuses', () => {
    expect(verdicts({method: 'GET', path: '/v1/catalog(\\?.*)?'}, [], ['/v1/catalog', '/v1/catalog?page=2', '/v1/catalog/x'].map((path) => ({path}))))
      .toEqual(['allowed', 'allowed', 'l7-denied']);
  });

  it('a headers entry without a space after the colon asks for a header of that name, which no request has', () => {
    const request = [{path: '/', headers: {'X-Imperial-Clearance': 'secret'}}];
    expect(verdicts({method: 'GET'}, ['X-Imperial-Clearance:secret'], request)).toEqual(['l7-denied']);
    expect(verdicts({method: 'GET'}, ['X-Imperial-Clearance: secret'], request)).toEqual(['allowed']);
  });
});
