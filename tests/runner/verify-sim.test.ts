/** `netpol-labs verify --target sim` over every lab, through the same entry point users run. */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {main} from '../../src/cli/main';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {reportWriteError} from '../../src/runner/commands';
import {memoryOutput} from '../../src/runner/output';
import {runInMemory} from '../cli-harness';

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
      expect(junit).toContain(`classname="${lab}.${step}" name="${p.from} ${p.label} -&gt; ${p.expect}"`);
    }

    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    expect(report).toMatchObject({target: 'sim', simulated: true, passed: true, totals: {probes: probes.length, passed: probes.length, failed: 0}});
  });
});

describe('verify report paths', () => {
  it('a directory as --junit FILE is refused before any lab runs: one line, exit 2, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-labs-reports-'));
    const out = memoryOutput();
    const code = await main(['verify', '--target', 'sim', '--junit', dir], {out, root: ROOT});
    expect(code, out.lines.join('\n')).toBe(2);
    expect(out.lines).toEqual([`netpol-labs verify: cannot write --junit ${dir}: it is a directory`]);
  });

  it('a --json FILE under a regular file is refused before any lab runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-labs-reports-'));
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    const out = memoryOutput();
    const code = await main(['verify', '--target', 'sim', '--json', join(file, 'labs.json')], {out, root: ROOT});
    expect(code, out.lines.join('\n')).toBe(2);
    expect(out.lines).toEqual([`netpol-labs verify: cannot write --json ${join(file, 'labs.json')}: ${file} is not a directory`]);
  });

  it('creates missing parent folders of a report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-labs-reports-'));
    const junitFile = join(dir, 'a', 'b', 'junit.xml');
    const out = memoryOutput();
    expect(await main(['verify', '--target', 'sim', '--junit', junitFile], {out, root: ROOT})).toBe(0);
    expect(readFileSync(junitFile, 'utf8')).toContain('<testsuites');
  });

  it('a write that fails after the run (the path became a directory) is one line, not a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-labs-reports-'));
    expect(reportWriteError('--junit', dir, '<testsuites/>')).toBe(`netpol-labs verify: cannot write --junit ${dir}: it is a directory`);
    const ok = join(dir, 'junit.xml');
    expect(reportWriteError('--junit', ok, '<testsuites/>')).toBeUndefined();
    expect(readFileSync(ok, 'utf8')).toBe('<testsuites/>');
  });
});

describe('run --json', () => {
  it('writes the report through the stdout the CLI was given (in process, nothing on the real stdout), the table through errOut', async () => {
    const {code, out, err} = await runInMemory(['run', 'deathstar', '--target', 'sim', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out.lines.join('\n'));
    expect(report).toMatchObject({target: 'sim', simulated: true, passed: true, totals: {probes: 18, passed: 18, failed: 0}});
    expect(err.lines.join('\n')).toContain('SIMULATED: PASS: 18/18 probes as expected');
  });
});
