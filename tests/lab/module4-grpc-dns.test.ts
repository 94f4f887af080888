/**
 * Module 4's gRPC and DNS labs. The expected outcomes below are written from the upstream sources,
 * not from the engine, and each step of each lab must play that way in the simulator:
 * - Cloud City (Cilium's Documentation/security/grpc.rst and examples/kubernetes-grpc/): the guide's
 *   policy lets public terminals call GetName, GetLocation and RequestMaintenance and blocks
 *   "SetAccessCode and GetStatus"; a refused gRPC call gets grpc-status 7 PERMISSION_DENIED in an HTTP
 *   200 reply (envoyproxy/envoy source/common/http/utility.cc prepareLocalReply, source/common/grpc/
 *   status.cc httpToGrpcStatus(403)), only for a gRPC content type (source/common/grpc/common.cc);
 * - the probe droids (cilium/cilium pkg/fqdn/matchpattern/matchpattern.go): `*` is one label without a
 *   dot, a leading `**.` one or more labels, neither matches the bare name; a name no DNS rule allows
 *   is answered REFUSED (tofqdns-dns-reject-response-code); an L4-only allow on the DNS port adds
 *   matchPattern "*" (pkg/policy/l4.go addWildcard).
 * Then: kind --dry-run plans every step, and the pages show every file of both labs verbatim and
 * quote the engine where they say they do.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, parsePolicyDocuments, type Probe, type Scenario} from '../../src/policy';
import {readLabOrThrow, shownLabFiles} from '../../src/lab/node/read-lab';
import {simulateLab} from '../../src/lab/simulate-step';
import {stepScenario} from '../../src/lab/to-scenario';
import type {Lab} from '../../src/lab';
import {plan} from '../dry-run-plan';

const read = (path: string) => readFileSync(path, 'utf8');
const cloudCity = readLabOrThrow('labs/cloud-city-grpc');
const droids = readLabOrThrow('labs/probe-droids-dns');

/** A probe as `from what`: `terminal-87 GetName`, `hoth-droid dig hoth.example`, `hoth-droid curl hoth.example`. */
function probeKey(probe: Lab['steps'][number]['probes'][number]): string {
  const r = probe.request;
  if (r.kind === 'grpc') return `${probe.from} ${new URL(r.url).pathname.split('/').pop()}`;
  if (r.kind === 'dns') return `${probe.from} dig ${r.name}`;
  if (r.kind === 'http') return `${probe.from} curl ${new URL(r.url).hostname}`;
  return `${probe.from} ${r.kind}`;
}

/** Every step's probes, keyed, with what the lab expects and what the simulator predicts. */
function played(lab: Lab): Record<string, {expected: Record<string, string>; predicted: Record<string, string>}> {
  const out: Record<string, {expected: Record<string, string>; predicted: Record<string, string>}> = {};
  for (const {step, simulation} of simulateLab(lab)) {
    expect(simulation.errors.map(formatError), step.id).toEqual([]);
    const expected: Record<string, string> = {};
    const predicted: Record<string, string> = {};
    for (const p of simulation.predictions) {
      const probe = step.probes[p.index];
      expected[probeKey(probe)] = probe.expect;
      predicted[probeKey(probe)] = p.outcome;
    }
    out[step.id] = {expected, predicted};
  }
  return out;
}

describe('Cloud City in the simulator, against the guide', () => {
  const steps = played(cloudCity);
  const outcomes: Record<string, Record<string, string>> = {
    // No policy: the guide's SetAccessCode from terminal-87 succeeds ("Successfully set AccessCode").
    open: {'terminal-87 GetName': 'allowed', 'terminal-87 SetAccessCode': 'allowed', 'stormtrooper GetStatus': 'allowed'},
    // The guide's policy: GetName, GetLocation, RequestMaintenance for app=public-terminal only.
    'grpc-methods': {
      'terminal-87 GetName': 'allowed',
      'terminal-87 GetLocation': 'allowed',
      'terminal-87 RequestMaintenance': 'allowed',
      'terminal-87 SetAccessCode': 'l7-denied',
      'terminal-87 GetStatus': 'l7-denied',
      'lobot GetName': 'dropped',
      'stormtrooper GetName': 'dropped',
    },
    'per-peer': {
      'lobot SetAccessCode': 'allowed',
      'lobot GetStatus': 'allowed',
      'terminal-87 RequestMaintenance': 'allowed',
      'terminal-87 SetAccessCode': 'l7-denied',
      'stormtrooper GetName': 'dropped',
    },
    // layer7.rst: an L4 rule beside an L7 rule for the same peer and port makes the L7 part void.
    'l4-trap': {
      'terminal-87 SetAccessCode': 'allowed',
      'terminal-87 GetStatus': 'allowed',
      'lobot SetAccessCode': 'allowed',
      'stormtrooper GetName': 'dropped',
    },
  };

  it('has exactly these steps and probes, each expected as the sources say', () => {
    expect(Object.keys(steps)).toEqual(Object.keys(outcomes));
    for (const [id, want] of Object.entries(outcomes)) expect(steps[id].expected, id).toEqual(want);
  });

  it('plays every probe as expected', () => {
    for (const [id, want] of Object.entries(outcomes)) expect(steps[id].predicted, id).toEqual(want);
  });

  it("the guide's step uses the guide's rules: POST to /cloudcity.DoorManager/ and the three public methods", () => {
    const {policies} = parsePolicyDocuments(read('labs/cloud-city-grpc/door-mgr-public-methods.yaml'), 'p.yaml', {});
    const text = JSON.stringify(policies);
    for (const method of ['GetName', 'GetLocation', 'RequestMaintenance']) expect(text).toContain(`/cloudcity.DoorManager/${method}`);
    expect(text).not.toContain('SetAccessCode');
    expect(read('labs/cloud-city-grpc/app.yaml')).toContain('image: docker.io/cilium/cc-grpc-demo:v3.0');
  });
});

describe('a refused gRPC call, as Envoy answers it', () => {
  const step = cloudCity.steps.find((s) => s.id === 'grpc-methods')!;
  /** The step's scenario with one request from terminal-87 to the door manager on 50051. */
  const refuse = (headers: Record<string, string>) => {
    const {scenario, errors} = stepScenario(cloudCity, step);
    expect(errors.map(formatError)).toEqual([]);
    const probe: Probe = {from: {pod: 'cloud-city/terminal-87'}, to: {pod: 'cloud-city/cc-door-mgr-0'}, port: 50051, http: {method: 'POST', path: '/cloudcity.DoorManager/SetAccessCode', headers}};
    return evaluateScenario({...scenario, probes: [probe]} satisfies Scenario).results[0];
  };

  it('with content-type application/grpc: HTTP 200, grpc-status 7 PERMISSION_DENIED, message "Access denied"', () => {
    const result = refuse({'content-type': 'application/grpc', te: 'trailers'});
    expect(result.verdict).toBe('l7-denied');
    expect(result.http?.status).toBe(200);
    expect(result.grpc).toEqual({status: 7, message: 'Access denied\r\n'});
    const reason = result.explanation.find((e) => e.reason === 'l7-no-match')!.text;
    expect(reason).toMatch(/gRPC status 7 PERMISSION_DENIED/);
    expect(reason).not.toMatch(/answers 403/);
  });

  it('application/grpc+proto is gRPC too; application/grpc-web and no content type get the plain 403', () => {
    expect(refuse({'content-type': 'application/grpc+proto'}).grpc?.status).toBe(7);
    for (const headers of [{'content-type': 'application/grpc-web'}, {}] as Record<string, string>[]) {
      const result = refuse(headers);
      expect(result.verdict).toBe('l7-denied');
      expect(result.http).toEqual({status: 403, body: 'Access denied\r\n'});
      expect(result.grpc).toBeUndefined();
    }
  });

  it("the gRPC page quotes the simulator's reason for terminal-87's SetAccessCode verbatim", () => {
    const [{simulation}] = simulateLab(cloudCity, {until: 'grpc-methods'}).slice(-1);
    const index = step.probes.findIndex((p) => probeKey(p) === 'terminal-87 SetAccessCode');
    const reason = simulation.predictions[index].deciding!.text;
    const page = read('docs/l7/grpc.mdx');
    const block = page.match(/```text title="the simulator's reason for terminal-87's SetAccessCode"\n([\s\S]*?)\n```/);
    expect(block, 'the page has the block').not.toBeNull();
    expect(block![1]).toBe(reason);
  });
});

describe('the probe droids in the simulator, against matchpattern.go and the DNS proxy', () => {
  const steps = played(droids);
  const outcomes: Record<string, Record<string, string>> = {
    open: {'hoth-droid dig dagobah.example': 'allowed', 'hoth-droid curl echo.hoth.example': 'allowed'},
    // Egress default deny and nothing to port 53: the query itself is dropped.
    'no-dns-port': {'hoth-droid dig hoth.example': 'dropped', 'hoth-droid curl hoth.example': 'unresolved', 'dagobah-droid dig dagobah.example': 'allowed'},
    'match-name': {
      'hoth-droid dig hoth.example': 'allowed',
      'hoth-droid dig echo.hoth.example': 'l7-denied',
      'hoth-droid curl hoth.example': 'allowed',
      // toFQDNs names it (**.hoth.example), but the refused lookup never gives it an address.
      'hoth-droid curl echo.hoth.example': 'unresolved',
      'hoth-droid curl dagobah.example': 'unresolved',
    },
    'one-label': {
      'hoth-droid dig echo.hoth.example': 'allowed',
      'hoth-droid dig ion.echo.hoth.example': 'l7-denied',
      'hoth-droid dig hoth.example': 'l7-denied',
      'hoth-droid curl echo.hoth.example': 'allowed',
    },
    'any-depth': {
      'hoth-droid dig ion.echo.hoth.example': 'allowed',
      'hoth-droid curl ion.echo.hoth.example': 'allowed',
      'hoth-droid dig hoth.example': 'l7-denied',
      'hoth-droid dig dagobah.example': 'l7-denied',
    },
    'l4-dns-trap': {'hoth-droid dig dagobah.example': 'allowed', 'hoth-droid curl dagobah.example': 'dropped', 'dagobah-droid curl dagobah.example': 'dropped'},
  };

  it('has exactly these steps and probes, each expected as the sources say', () => {
    expect(Object.keys(steps)).toEqual(Object.keys(outcomes));
    for (const [id, want] of Object.entries(outcomes)) expect(steps[id].expected, id).toEqual(want);
  });

  it('plays every probe as expected', () => {
    for (const [id, want] of Object.entries(outcomes)) expect(steps[id].predicted, id).toEqual(want);
  });

  it('a refused lookup is the proxy\'s REFUSED; a dropped one has no answer at all', () => {
    const byStep = Object.fromEntries(simulateLab(droids).map(({step, simulation}) => [step.id, {step, simulation}]));
    const result = (stepId: string, key: string) => {
      const {step, simulation} = byStep[stepId];
      return simulation.predictions[step.probes.findIndex((p) => probeKey(p) === key)].result;
    };
    expect(result('match-name', 'hoth-droid dig echo.hoth.example').dns).toEqual({rcode: 'REFUSED'});
    expect(result('no-dns-port', 'hoth-droid dig hoth.example').dns).toEqual({rcode: null});
  });
});

describe('run --target kind --dry-run plans every step of both labs', () => {
  /** The commands of one step of a plan: from its heading to the next step's. */
  function stepCommands(lines: string[], labId: string, stepId: string): string[] {
    const heading = lines.findIndex((l) => l.startsWith(`${labId} / ${stepId}: `));
    expect(heading, `step ${stepId} is planned`).toBeGreaterThan(0);
    const rest = lines.slice(heading + 1);
    const next = rest.findIndex((l) => l.startsWith(`${labId} / `));
    return (next >= 0 ? rest.slice(0, next) : rest).filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
  }

  for (const lab of [cloudCity, droids]) {
    it(`${lab.id}: each step applies exactly its files and sends each probe from its client with the right tool`, async () => {
      const {code, lines, commands} = await plan(['run', lab.id, '--target', 'kind', '--dry-run']);
      expect(code, lines.join('\n')).toBe(0);
      expect(commands.some((c) => c.includes(`apply --filename - < labs/${lab.id}/app.yaml`))).toBe(true);
      for (const step of lab.steps) {
        const own = stepCommands(lines, lab.id, step.id);
        if (step.policies.length > 0) {
          const files = step.policies.map((p) => `labs/${lab.id}/${p.path}`).join(' ');
          expect(own.some((c) => c.includes(`apply --filename - < ${files} `)), `step ${step.id} applies ${files}`).toBe(true);
        }
        for (const probe of step.probes) {
          const r = probe.request;
          const tool = r.kind === 'dns' ? 'dig' : 'curl';
          // A gRPC call's message goes to curl's stdin, hence --stdin.
          const exec = `exec --namespace ${lab.namespaces[0]} ${r.kind === 'grpc' ? '--stdin ' : ''}${probe.from} -- ${tool} `;
          const sent = own.filter((c) => c.includes(exec));
          expect(sent.length, `step ${step.id}: ${probeKey(probe)}`).toBeGreaterThan(0);
          if (r.kind === 'grpc') {
            // One unary call over HTTP/2 cleartext, to the method's path (grpc/grpc PROTOCOL-HTTP2.md).
            const path = new URL(r.url).pathname;
            expect(sent.some((c) => c.includes('--http2-prior-knowledge') && c.includes("'content-type: application/grpc'") && c.includes(`.svc.cluster.local.:50051${path} < grpc request (5 bytes)`)), `${step.id}: ${path}`).toBe(true);
          }
          if (r.kind === 'dns') expect(sent.some((c) => c.includes(` ${r.name}. A`)), `${step.id}: dig ${r.name}`).toBe(true);
        }
      }
    });
  }
});

describe('the pages show every file of both labs verbatim', () => {
  const pages: Record<string, string> = {'cloud-city-grpc': 'docs/l7/grpc.mdx', 'probe-droids-dns': 'docs/l7/dns-rules.mdx'};
  for (const [labId, pagePath] of Object.entries(pages)) {
    it(`${pagePath} imports each file of labs/${labId} raw and shows it with its path`, () => {
      const page = read(pagePath);
      const files = shownLabFiles().filter((f) => f.startsWith(`labs/${labId}/`));
      expect(files.length).toBeGreaterThan(3);
      for (const file of files) {
        const imported = page.match(new RegExp(`^import (\\w+) from '@site/${file.replace(/[.]/g, '\\.')}\\?raw';$`, 'm'));
        expect(imported, `${pagePath} imports ${file}`).not.toBeNull();
        expect(page, `${pagePath} shows ${file}`).toMatch(new RegExp(`<LabManifest source=\\{${imported![1]}\\} path="${file.replace(/[.]/g, '\\.')}"`));
      }
      // Every step of the lab has its probe table and its commands on this page.
      const lab = labId === 'cloud-city-grpc' ? cloudCity : droids;
      for (const step of lab.steps) {
        expect(page).toContain(`<ProbeTable lab={lab} step="${step.id}" />`);
        expect(page).toContain(`<RunStep lab={lab} step="${step.id}" />`);
        expect(step.lesson).toBe(pagePath.replace(/^docs\//, '').replace(/\.mdx$/, ''));
      }
    });
  }

  it('the overview links both zx scripts, which exist', () => {
    const index = read('docs/l7/index.mdx');
    for (const id of ['cloud-city-grpc', 'probe-droids-dns']) {
      expect(index).toContain(`[${id}.mjs](pathname:///zx/${id}.mjs)`);
      expect(read(join('static/zx', `${id}.mjs`)).length).toBeGreaterThan(1000);
    }
  });
});
