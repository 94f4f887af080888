/**
 * `netpol-labs run outpost --target kind --dry-run`: the real plan of a lab in two namespaces with
 * every probe kind (the outpost test lab, its probes from outside left out: the runner plays those
 * in the simulator only). PATH is an empty folder, so nothing could run.
 */
import {cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {main} from '../../src/cli/main';
import {KIND_CONTEXT} from '../../src/runner/constants';
import {memoryOutput} from '../../src/runner/output';

const ROOT = resolve(__dirname, '../..');
const FIXTURE = join(ROOT, 'tests/fixtures/lab-format/labs/outpost');

/** A repository root whose labs/ holds the outpost lab, optionally without its outside probes. */
function rootWithOutpost(withoutOutside: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'netpol-labs-outpost-'));
  cpSync(FIXTURE, join(root, 'labs/outpost'), {recursive: true});
  if (withoutOutside) {
    const file = join(root, 'labs/outpost/lab.yaml');
    // Each outside probe is a block from "- from: outside" to its why line.
    writeFileSync(file, readFileSync(file, 'utf8').replace(/ {6}- from: outside\n(?: {8}.*\n)+?(?=\n| {6}- | {2}- |$)/g, ''));
  }
  return root;
}

async function plan(root: string, argv: string[]) {
  const out = memoryOutput();
  const code = await main(argv, {out, env: {PATH: mkdtempSync(join(tmpdir(), 'netpol-labs-nopath-'))}, root});
  return {code, lines: out.lines, commands: out.lines.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2))};
}

const K = `kubectl --context ${KIND_CONTEXT}`;

describe('run outpost --target kind --dry-run', () => {
  it('checks, cleans and deploys both namespaces, and runs each kind of probe with its tool in the client\'s namespace', async () => {
    const {code, lines, commands} = await plan(rootWithOutpost(true), ['run', 'outpost', '--target', 'kind', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    for (const ns of ['empire', 'rebels']) {
      expect(commands).toContain(`${K} get namespace ${ns} --ignore-not-found --output json`);
      expect(commands.some((c) => c.startsWith(`${K} delete networkpolicies.networking.k8s.io,ciliumnetworkpolicies.cilium.io,ciliumclusterwidenetworkpolicies.cilium.io --namespace ${ns} --selector `))).toBe(true);
    }
    const probes = commands.filter((c) => c.includes(' exec ') && c.includes(' -- ') && !c.includes('cilium-dbg') && !c.includes('hubble'));
    const tool = (c: string) => c.slice(c.indexOf(' -- ') + 4).split(' ')[0];
    expect(new Set(probes.map(tool))).toEqual(new Set(['curl', 'nc', 'dig', 'ping']));
    // The xwing lives in rebels; every name is absolute, so the resolver asks once.
    expect(probes).toContain(`${K} exec --namespace rebels xwing -- nc -z -v -w 2 deathstar.empire.svc.cluster.local. 80`);
    expect(probes.some((c) => c.startsWith(`${K} exec --namespace empire tiefighter -- dig `) && c.includes(' mos-eisley.example. '))).toBe(true);
    expect(probes.some((c) => c.startsWith(`${K} exec --namespace rebels xwing -- ping `) && c.endsWith(' probes.empire.svc.cluster.local.'))).toBe(true);
    // A gRPC call sends its message on stdin: kubectl exec --stdin, curl over HTTP/2.
    const grpc = probes.find((c) => c.includes('/cloudcity.DoorManager/GetName'))!;
    expect(grpc).toContain(`${K} exec --namespace empire --stdin tiefighter -- curl `);
    expect(grpc).toContain('--http2-prior-knowledge');
    // An HTTP probe sends its headers and the Host as the lab wrote it.
    expect(probes.some((c) => c.includes("--header 'X-Has-Force: true'") && c.includes("--header 'Host: deathstar.empire.svc.cluster.local'"))).toBe(true);
    // Deletions only ever target the lab's namespaces or its own labelled objects.
    for (const c of commands.filter((x) => x.includes(' delete '))) {
      expect(/--namespace (empire|rebels)\b/.test(c) || c.includes('--selector app.kubernetes.io/managed-by=netpol-labs'), c).toBe(true);
    }
  });

  it('refuses the lab with its outside probes before planning anything on the cluster, and says to use the simulator', async () => {
    const {code, lines} = await plan(rootWithOutpost(false), ['run', 'outpost', '--target', 'kind', '--dry-run']);
    expect(code).not.toBe(0);
    expect(lines.join('\n')).toContain('lab outpost has probes from outside the cluster (steps open, l7-ingress), which the runner plays only in the simulator: use --target sim for this lab');
    expect(lines.filter((l) => l.startsWith(`$ ${K} apply`))).toEqual([]);
  });

  it('plays every probe of the lab, outside ones included, in the simulator', async () => {
    const {code, lines} = await plan(rootWithOutpost(false), ['verify', '--target', 'sim']);
    expect(code, lines.join('\n')).toBe(0);
    expect(lines.join('\n')).toMatch(/PASS: (\d+)\/\1 probes as expected/);
  });
});

describe('export outpost --zx', () => {
  it('writes a script for the two-namespace lab with every kind, and refuses the outside probes', async () => {
    const run = async (root: string) => {
      let stdout = '';
      let stderr = '';
      const code = await main(['export', 'outpost', '--zx'], {out: memoryOutput(), root, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t)});
      return {code, stdout, stderr};
    };
    // The template and generator come from this repository; the lab from the temporary root.
    const withSources = (root: string) => {
      cpSync(join(ROOT, 'src'), join(root, 'src'), {recursive: true});
      symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
      return root;
    };
    const withOutside = withSources(rootWithOutpost(false));
    const refused = await run(withOutside);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('lab outpost has probes from outside the cluster');
    const {code, stdout} = await run(withSources(rootWithOutpost(true)));
    expect(code).toBe(0);
    expect(stdout).toContain('namespaces: ["empire", "rebels"]');
    for (const kind of ['http', 'grpc', 'tcp', 'dns', 'icmp']) expect(stdout).toContain(`kind: "${kind}"`);
  });
});
