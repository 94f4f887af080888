/**
 * `netpol-labs verify --target sim` when a lab's expectation is wrong: the deathstar lab, copied
 * with one expectation changed (the xwing's landing request in step cilium-l7 marked allowed,
 * which Cilium's star-wars guide shows dropped), must fail: exit 1, one JUnit <failure> for that
 * probe, and the probe named in the output. Every other probe still passes.
 */
import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {ROOT, runInMemory} from '../cli-harness';

/** A repository root whose only lab is the deathstar lab with `edit` applied to its lab.yaml. */
function labWith(edit: (labYaml: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'netpol-labs-mismatch-'));
  cpSync(join(ROOT, 'labs/deathstar'), join(root, 'labs/deathstar'), {recursive: true});
  const file = join(root, 'labs/deathstar/lab.yaml');
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  expect(after, 'the edit must change the lab').not.toBe(before);
  writeFileSync(file, after);
  return root;
}

describe('verify --target sim with a wrong expectation', () => {
  it('exits 1, writes one JUnit failure for the mismatched probe and names it', async () => {
    const step = 'cilium-l7';
    const root = labWith((text) => {
      // The last probe of the step (the xwing's) expects a drop; claim it is allowed.
      const start = text.indexOf(`- id: ${step}`);
      const end = text.indexOf('- id: ', start + 1);
      const section = text.slice(start, end);
      const at = section.lastIndexOf('expect: dropped');
      return text.slice(0, start) + section.slice(0, at) + 'expect: allowed' + section.slice(at + 'expect: dropped'.length) + text.slice(end);
    });
    const junit = join(root, 'reports/junit.xml');
    const json = join(root, 'reports/labs.json');
    const {code, out} = await runInMemory(['verify', '--target', 'sim', '--junit', junit, '--json', json], {root});
    const text = out.lines.join('\n');
    expect(code, text).toBe(1);

    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<failure/g)).toHaveLength(1);
    const failed = /<testcase classname="([^"]+)" name="([^"]+)"[^>]*>\s*<failure/.exec(xml);
    expect(failed?.slice(1)).toEqual([`deathstar.${step}`, 'xwing POST /v1/request-landing -&gt; allowed']);

    // The output names the probe, what was expected and what the engine predicted.
    expect(text).toMatch(/^ {2}FAIL {2}xwing POST \/v1\/request-landing +allowed +dropped /m);
    expect(text).toMatch(/^ {2}FAIL xwing POST \/v1\/request-landing\n {4}expected: allowed .*\n {4}observed: dropped: /m);
    expect(text.match(/^ {2}FAIL /gm)).toHaveLength(2);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report).toMatchObject({passed: false, totals: {failed: 1}});
  });
});
