// The `netpol-labs` command as a user runs it from a checkout: a real process, real files, real
// exit codes. Expected verdicts come from Cilium's star-wars guide (cilium/cilium
// Documentation/gettingstarted/demo.rst): with the
// L7 rule1, tiefighter POST /v1/request-landing lands, PUT /v1/exhaust-port gets 403 "Access
// denied", xwing is dropped.
import {spawnSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';

function netpolLabs(...args: string[]): {code: number | null; stdout: string; stderr: string} {
  const result = spawnSync(process.execPath, ['scripts/netpol-labs.mjs', ...args], {encoding: 'utf8', timeout: 60_000});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

const DEATHSTAR = 'tests/fixtures/scenarios/deathstar-l7.yaml';
const BAD = 'tests/fixtures/scenarios/bad-probe.yaml';

describe('netpol-labs simulate', () => {
  it('prints one line per probe with its verdict and the deciding rule', () => {
    const {code, stdout} = netpolLabs('simulate', DEATHSTAR);
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((l) => l.trimStart().startsWith('probe '));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/POST \/v1\/request-landing: allowed/);
    expect(lines[1]).toMatch(/PUT \/v1\/exhaust-port: l7-denied \(HTTP 403\)/);
    expect(lines[2]).toMatch(/xwing .*: dropped/);
    // The drop names the policy that isolated the deathstar and where it is written.
    expect(lines[2]).toContain('CiliumNetworkPolicy star-wars/rule1');
    expect(lines[2]).toContain(`${DEATHSTAR}:22`);
  });

  it('writes one JSON document for all files, with Envoy\'s 403 body', () => {
    const {code, stdout} = netpolLabs('simulate', '--json', DEATHSTAR);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.scenarios).toHaveLength(1);
    expect(out.scenarios[0].file).toBe(DEATHSTAR);
    const results = out.scenarios[0].results;
    expect(results.map((r: {verdict: string}) => r.verdict)).toEqual(['allowed', 'l7-denied', 'dropped']);
    expect(results[1].http).toEqual({status: 403, body: 'Access denied\r\n'});
    expect(results[2]).toMatchObject({ingress: 'dropped', egress: 'allowed'});
  });

  it('reports a bad file with file:line:col and exit code 2, and still evaluates the others', () => {
    const {code, stdout, stderr} = netpolLabs('simulate', BAD, DEATHSTAR);
    expect(code).toBe(2);
    // bad-probe.yaml line 7: `  - {from: {pod: x/a}, to: {pod: x/b}, port: 80}`; x/b starts at column 34.
    expect(stderr).toContain(`${BAD}:7:34: probes[0].to.pod names pod "x/b", which does not exist`);
    expect(stdout).toMatch(/PUT \/v1\/exhaust-port: l7-denied/);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints the truth table of a matrix in the Kubernetes e2e style', () => {
    const {stdout} = netpolLabs('simulate', DEATHSTAR);
    // Only the xwing -> deathstar cell is dropped: rule1 selects the deathstar alone.
    const row = stdout.split('\n').find((l) => l.startsWith('star-wars/xwing'));
    expect(row?.split('\t')).toEqual(['star-wars/xwing', 'X', '.', '-']);
  });
});

describe('netpol-labs', () => {
  it('lists its commands and rejects an unknown one with exit code 2', () => {
    expect(netpolLabs('--help').stdout).toMatch(/simulate .*\n[\s\S]*verify/);
    const unknown = netpolLabs('simluate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "simluate"');
  });

  it('finds every command it lists by its name (each command module is loaded by name)', () => {
    const listed = [...netpolLabs('--help').stdout.matchAll(/^  (\S+)  /gm)].map((m) => m[1]);
    // The commands README.md's table documents (reset, status and down share a row).
    expect(listed).toEqual(['simulate', 'up', 'down', 'status', 'run', 'verify', 'reset', 'check', 'export']);
    for (const name of listed) {
      const help = netpolLabs(name, '--help');
      expect(help.code, `${name} --help: ${help.stderr}`).toBe(0);
      expect(help.stdout).toContain(`usage: netpol-labs ${name}`);
    }
  }, 60_000);
});
