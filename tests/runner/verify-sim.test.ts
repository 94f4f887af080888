/** `netpol-labs verify --target sim` over every lab, through the same entry point users run. */
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {main} from '../../scripts/runner.mjs';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {memoryOutput} from '../../src/runner/output';

const ROOT = resolve(__dirname, '../..');

describe('verify --target sim', () => {
  it('passes every lab and writes one JUnit testcase per probe, labelled SIMULATED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-labs-reports-'));
    const junitFile = join(dir, 'junit.xml');
    const jsonFile = join(dir, 'labs.json');
    const out = memoryOutput();
    const code = await main(['verify', '--target', 'sim', '--junit', junitFile, '--json', jsonFile], {out, root: ROOT});
    const text = out.lines.join('\n');
    expect(code, text).toBe(0);
    expect(out.lines[0]).toMatch(/^SIMULATED: /);
    expect(text).toMatch(/SIMULATED: PASS: \d+\/\d+ probes as expected/);

    const labs = listLabDirs(ROOT).map((d) => readLabOrThrow(d));
    const probes = labs.flatMap((l) => l.steps.flatMap((s) => s.probes.map((p) => ({lab: l.id, step: s.id, p}))));
    const junit = readFileSync(junitFile, 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(probes.length);
    expect(junit).not.toContain('<failure');
    for (const lab of labs) expect(junit).toContain(`<testsuite name="${lab.id} (SIMULATED)"`);
    for (const {lab, step, p} of probes) {
      expect(junit).toContain(`classname="${lab}.${step}" name="${p.from} ${p.method} ${p.target.path} -&gt; ${p.expect}"`);
    }

    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    expect(report).toMatchObject({target: 'sim', simulated: true, passed: true, totals: {probes: probes.length, passed: probes.length, failed: 0}});
  });
});
