/**
 * The probe table renders every probe kind from lab.yaml's data: who, what it sends (and the
 * headers and Host it sets), and the expected outcome. Rendered on the server with React, from the
 * test lab that has every kind.
 */
import {readFileSync} from 'node:fs';
import {createElement} from 'react';
import {renderToStaticMarkup} from 'react-dom/server';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import ProbeTable from '../../src/components/ProbeTable';
import type {LabFile} from '../../src/lab/schema';

const lab = parse(readFileSync('tests/fixtures/lab-format/labs/outpost/lab.yaml', 'utf8')) as LabFile;

/**
 * The rows of a step's table: the text of each cell, tags and spacing removed. Inline spans and
 * <wbr> (a break opportunity in a long gRPC label) add no space to what a reader sees.
 */
function rows(step: string): string[][] {
  const html = renderToStaticMarkup(createElement(ProbeTable, {lab, step}));
  return [...html.matchAll(/<tr[^>]*data-testid="probe-row"[^>]*>(.*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((cell) => cell[1].replace(/<\/?(span|wbr)\b[^>]*>/g, '').replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/\s+/g, ' ').trim()),
  );
}

describe('ProbeTable', () => {
  it('names what each kind of probe sends, with its headers, and the expected outcome', () => {
    const open = rows('open');
    expect(open.map((r) => r.slice(0, 2))).toEqual([
      ['tiefighter', 'GET /v1 with X-Has-Force: true'],
      ['rebels/xwing', 'TCP deathstar.empire.svc.cluster.local:80'],
      ['tiefighter', 'DNS mos-eisley.example'],
      ['rebels/xwing', 'ping probes.empire.svc.cluster.local'],
      ['tiefighter', 'gRPC cloudcity.DoorManager/GetName'],
      ['outside', 'GET /v1'],
      ['patrol', 'TCP deathstar.empire.svc.cluster.local:80'],
    ]);
    expect(open.every((r) => r[2].startsWith('allowed'))).toBe(true);
  });

  it('shows the unresolved outcome with its words', () => {
    const step = rows('egress-without-dns');
    expect(step[0][2]).toBe('unresolved name did not resolve');
    expect(step[1][2]).toMatch(/^dropped/);
  });

  it('marks each row with its kind and outcome for the page\'s styles and tests', () => {
    const html = renderToStaticMarkup(createElement(ProbeTable, {lab, step: 'l7-ingress'}));
    const marks = [...html.matchAll(/data-expect="([^"]+)" data-kind="([^"]+)"/g)].map((m) => `${m[2]}:${m[1]}`);
    expect(marks).toEqual(['http:allowed', 'http:l7-denied', 'grpc:l7-denied', 'tcp:dropped', 'icmp:allowed', 'icmp:dropped', 'http:dropped', 'tcp:dropped']);
  });
});

describe('the playground\'s results table', () => {
  it('predicts and renders every kind of probe of a step from the edited policies', async () => {
    const {readLabOrThrow} = await import('../../src/lab/node/read-lab');
    const {evaluatePlayground} = await import('../../src/components/Playground/evaluate');
    const {default: ResultsTable} = await import('../../src/components/Playground/ResultsTable');
    const loaded = readLabOrThrow('tests/fixtures/lab-format/labs/outpost');
    const step = loaded.steps.find((s) => s.id === 'l7-ingress')!;
    const text = step.policies.map((m) => m.text).join('---\n');
    const result = evaluatePlayground(loaded, step, text, 'editor.yaml', 'cilium');
    const html = renderToStaticMarkup(createElement(ResultsTable, {step, result, pending: false, editorFile: 'editor.yaml', onJump: () => {}}));
    // Every row predicted as lab.yaml expects, each with what it sends.
    const predicted = [...html.matchAll(/data-expected="([^"]+)" data-predicted="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(predicted).toEqual(step.probes.map((p) => [p.expect, p.expect]));
    for (const label of ['POST /v1', 'gRPC cloudcity.DoorManager/SetAccessCode', 'TCP deathstar.empire.svc.cluster.local:80', 'ping probes.empire.svc.cluster.local']) {
      expect(html).toContain(label);
    }
    expect(html).toContain(`All ${step.probes.length} predictions match`);
  });
});
