/**
 * Probe names: a Service's name is sent to DNS as an absolute name (trailing dot), so the pod's
 * search list (ndots:5, https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/)
 * is not tried first; the Host header the server and Cilium's L7 rules see stays the lab's name.
 * Checked with real curl against a real server on loopback: `--resolve` answers for exactly the
 * name curl looks up, so the request only arrives when curl asked for the absolute name.
 */
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ExecaExecutor} from '../../src/runner/exec';
import {absoluteServiceUrl, classify, curlArgs} from '../../src/runner/probe';

const NAME = 'deathstar.star-wars.svc.cluster.local';
let server: Server;
let port: number;
const hosts: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hosts.push(req.headers.host ?? '');
    res.end('Ship landed\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function curl(url: string, resolveName: string) {
  const args = curlArgs({method: 'POST', url});
  const run = await new ExecaExecutor().run({file: 'curl', args: ['--resolve', `${resolveName}:${port}:127.0.0.1`, ...args], timeoutMs: 20_000});
  return {args, classification: classify(run)};
}

describe('probe names', () => {
  it('curl looks up the absolute name and sends the lab\'s name as Host', async () => {
    hosts.length = 0;
    const {args, classification} = await curl(`http://${NAME}:${port}/v1/request-landing`, `${NAME}.`);
    expect(args.at(-1)).toBe(`http://${NAME}.:${port}/v1/request-landing`);
    expect(classification).toMatchObject({observed: 'allowed', status: 200});
    expect(hosts).toEqual([`${NAME}:${port}`]);
  });

  it('the name without the dot is not what curl looks up (the --resolve entry for it goes unused)', async () => {
    const {classification} = await curl(`http://${NAME}:${port}/v1/request-landing`, NAME);
    // Only the relative name is pinned here; curl asked for the absolute one, which does not resolve.
    expect(classification.observed).toBe('unresolved');
  });

  it('leaves other names alone: addresses, short names, names already absolute', () => {
    expect(absoluteServiceUrl('http://10.96.0.10/v1')).toEqual({url: 'http://10.96.0.10/v1'});
    expect(absoluteServiceUrl('http://deathstar/v1')).toEqual({url: 'http://deathstar/v1'});
    expect(absoluteServiceUrl('http://deathstar.star-wars/v1')).toEqual({url: 'http://deathstar.star-wars/v1'});
    expect(absoluteServiceUrl(`http://${NAME}./v1`)).toEqual({url: `http://${NAME}./v1`});
    expect(absoluteServiceUrl(`http://${NAME}/v1`)).toEqual({url: `http://${NAME}./v1`, host: NAME});
  });
});
