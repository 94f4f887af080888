/**
 * `netpol-labs simulate` names a refused gRPC call by its gRPC status. Envoy answers a gRPC request
 * its HTTP rules refuse with HTTP 200 and grpc-status 7 PERMISSION_DENIED in the trailers
 * (envoyproxy/envoy source/common/http/utility.cc prepareLocalReply with is_grpc, and
 * source/common/grpc/status.cc httpToGrpcStatus(403) = 7); printing "(HTTP 200)" for it would tell
 * a learner the call succeeded.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {simulateCli} from '../cli-harness';

const DEATHSTAR = readFileSync('tests/fixtures/scenarios/deathstar-l7.yaml', 'utf8');
const GRPC = {'content-type': 'application/grpc', te: 'trailers'};
// The deathstar scenario with two more probes: a gRPC call its HTTP rule refuses, and one it allows
// (rule1 allows POST /v1/request-landing whatever the content type).
const SCENARIO = DEATHSTAR.replace(
  'matrix:',
  `  - {from: {pod: star-wars/tiefighter}, to: {service: star-wars/deathstar}, port: 80, http: {method: POST, path: /empire.Deathstar/Exhaust, headers: ${JSON.stringify(GRPC)}}}
  - {from: {pod: star-wars/tiefighter}, to: {service: star-wars/deathstar}, port: 80, http: {method: POST, path: /v1/request-landing, headers: ${JSON.stringify(GRPC)}}}
matrix:`,
);

async function simulate(): Promise<string[]> {
  let stdout = '';
  const code = await simulateCli(['scenario.yaml'], {readFile: () => SCENARIO, stdout: (t) => (stdout += t), stderr: () => {}});
  expect(code).toBe(0);
  return stdout.split('\n').filter((l) => l.trimStart().startsWith('probe '));
}

describe('simulate, a gRPC call', () => {
  it('refused by the HTTP rules: l7-denied with grpc-status 7 PERMISSION_DENIED, never "(HTTP 200)"', async () => {
    const lines = await simulate();
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain('l7-denied (grpc-status 7 PERMISSION_DENIED)');
    expect(lines[3]).not.toContain('(HTTP 200)');
  });

  it('allowed: no proxy answer to report; a refused plain HTTP request keeps its HTTP 403', async () => {
    const lines = await simulate();
    expect(lines[4]).toMatch(/: allowed( --|$)/);
    expect(lines[1]).toContain('l7-denied (HTTP 403)');
  });
});
