/**
 * A stand-in cluster for tests that start the real `netpol-labs` command as a child process: a
 * directory of small executables named docker, kind, kubectl and cilium, put first on PATH. Each one
 * appends its pid and argv to a log (JSON lines) and answers the way the real tool would for the
 * commands the runner sends; kubectl keeps the namespace and the policies it was given in a state
 * file, so a later run sees what an earlier one left. Nothing here opens a socket.
 *
 * Modes (environment of the runner, inherited by the stand-ins):
 * - STANDIN_CURL=hang: `kubectl exec ... curl` ignores SIGTERM and sleeps 300 s (only SIGKILL ends it);
 *   otherwise tiefighter lands and xwing times out (curl exit 28), like the k8s-allow-empire step.
 * - STANDIN_KIND=no-cluster-hang-create: `kind get clusters` lists none and `kind create cluster` hangs.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';

export const ROOT = resolve(__dirname, '../..');

const STANDIN = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const {parseAllDocuments} = require(require.resolve('yaml', {paths: [ROOT]}));
const tool = path.basename(process.argv[1]);
const argv = process.argv.slice(2);
fs.appendFileSync(process.env.STANDIN_LOG, JSON.stringify({pid: process.pid, tool, args: argv}) + '\n');
const stateFile = path.join(process.env.STANDIN_STATE, 'state.json');
const load = () => (fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {namespace: null, policies: {}});
const save = (s) => fs.writeFileSync(stateFile, JSON.stringify(s, null, 2));
const has = (w) => argv.includes(w);
const done = (out = '', code = 0, err = '') => { process.stdout.write(out); process.stderr.write(err); process.exit(code); };
const matches = (labels, selector) => selector.split(',').every((kv) => { const [k, v] = kv.split('='); return (labels || {})[k] === v; });
const POLICY = {NetworkPolicy: 'networkpolicies.networking.k8s.io', CiliumNetworkPolicy: 'ciliumnetworkpolicies.cilium.io', CiliumClusterwideNetworkPolicy: 'ciliumclusterwidenetworkpolicies.cilium.io'};

if (tool === 'docker') done(has('version') ? '27.3.1\n' : '');
if (tool === 'cilium') done(has('version') ? 'cilium-cli: v0.19.7 compiled with go1.24.2 on linux/amd64\ncilium image (default): v1.20.0\n' : '');
if (tool === 'kind') {
  if (has('version')) done('kind v0.33.0 go1.24.2 linux/amd64\n');
  const noCluster = process.env.STANDIN_KIND === 'no-cluster-hang-create';
  if (argv[0] === 'get' && argv[1] === 'clusters') done(noCluster ? 'No kind clusters found.\n' : 'netpol-labs\n');
  if (argv[0] === 'create' && noCluster) { process.on('SIGTERM', () => {}); setTimeout(() => {}, 300000); return; }
  done();
}
// kubectl
if (has('version')) done(JSON.stringify({clientVersion: {gitVersion: 'v1.37.0'}}) + '\n');
const args = argv[0] === '--context' ? argv.slice(2) : argv;
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const state = load();
const verb = args[0];
if (verb === 'exec' && has('curl')) {
  if (process.env.STANDIN_CURL === 'hang') { process.on('SIGTERM', () => {}); setTimeout(() => {}, 300000); return; }
  if (has('xwing')) done('[netpol-labs code=000 dns=0.004120 connect=0.000000]', 28, 'curl: (28) Failed to connect to deathstar.star-wars.svc.cluster.local port 80 after 2001 ms: Timeout was reached\ncommand terminated with exit code 28\n');
  done('Ship landed\n[netpol-labs code=200 dns=0.004120 connect=0.004412]');
}
if (verb === 'apply') {
  const input = fs.readFileSync(0, 'utf8');
  for (const doc of parseAllDocuments(input)) {
    const o = doc.toJS();
    if (!o) continue;
    if (o.kind === 'Namespace') state.namespace = {name: o.metadata.name, labels: o.metadata.labels || {}};
    if (POLICY[o.kind]) state.policies[o.kind + '/' + o.metadata.name] = o.metadata.labels || {};
  }
  save(state);
  done();
}
if (verb === 'get' && args[1] === 'daemonset' && args[2] === 'cilium') done('daemonset.apps/cilium\n');
if (verb === 'get' && args[1] === 'namespace') {
  done(state.namespace && state.namespace.name === args[2] ? JSON.stringify({kind: 'Namespace', metadata: {name: args[2], labels: state.namespace.labels}}) : '');
}
if (verb === 'get' && args[1].includes('/')) {
  const [resource, name] = args[1].split('/');
  const kind = Object.keys(POLICY).find((k) => POLICY[k] === resource);
  const labels = state.policies[kind + '/' + name];
  if (labels) done(JSON.stringify({kind, metadata: {name, labels}}));
  done('', has('--ignore-not-found') ? 0 : 1, has('--ignore-not-found') ? '' : 'Error from server (NotFound)\n');
}
if (verb === 'get' && args[1] === Object.values(POLICY).join(',')) {
  const items = Object.entries(state.policies).filter(([, labels]) => matches(labels, opt('--selector'))).map(([key, labels]) => ({kind: key.split('/')[0], metadata: {name: key.split('/')[1], labels}}));
  done(JSON.stringify({items}));
}
if (verb === 'delete' && args[1] === Object.values(POLICY).join(',')) {
  for (const [key, labels] of Object.entries(state.policies)) if (matches(labels, opt('--selector'))) delete state.policies[key];
  save(state);
  done();
}
if (verb === 'delete' && args[1].includes('/')) {
  const [resource, name] = args[1].split('/');
  const kind = Object.keys(POLICY).find((k) => POLICY[k] === resource);
  delete state.policies[kind + '/' + name];
  save(state);
  done();
}
if (verb === 'delete' && args[1] === 'namespace') { state.namespace = null; save(state); done(); }
done();
`;

/** One invocation of a stand-in, as logged. */
export interface Call {
  pid: number;
  tool: string;
  args: string[];
}

export interface StandinCluster {
  bin: string;
  log: string;
  stateDir: string;
  calls(): Call[];
  /** Namespace and policies kubectl currently holds (what a real API server would). */
  state(): {namespace: {name: string; labels: Record<string, string>} | null; policies: Record<string, Record<string, string>>};
  setState(state: ReturnType<StandinCluster['state']>): void;
}

export function standinCluster(): StandinCluster {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-labs-standin-'));
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.jsonl');
  const stateDir = dir;
  mkdirSync(bin);
  const script = `#!${process.execPath}\nconst ROOT = ${JSON.stringify(ROOT)};\n(() => {${STANDIN}})();\n`;
  for (const tool of ['docker', 'kind', 'kubectl', 'cilium']) {
    writeFileSync(join(bin, tool), script);
    chmodSync(join(bin, tool), 0o755);
  }
  writeFileSync(log, '');
  const stateFile = join(dir, 'state.json');
  return {
    bin,
    log,
    stateDir,
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call),
    state: () => (existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {namespace: null, policies: {}}),
    setState: (s) => writeFileSync(stateFile, JSON.stringify(s)),
  };
}

/** The real command, started as a child process with the stand-ins first on PATH. */
export interface RunnerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal that ended it) and when it happened. */
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null; at: number}>;
}

export function startRunner(cluster: StandinCluster, args: string[], env: Record<string, string> = {}, stdin: 'ignore' | 'pipe' = 'ignore'): RunnerProcess {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/netpol-labs.mjs'), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      // Stand-ins first; /usr/bin and /bin only for what node itself may need. No real kubectl.
      PATH: `${cluster.bin}:/usr/bin:/bin`,
      STANDIN_LOG: cluster.log,
      STANDIN_STATE: cluster.stateDir,
      ...env,
    },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null; at: number}>((resolve) =>
    child.on('exit', (code, signal) => resolve({code, signal, at: Date.now()})),
  );
  return {child, stdout: () => out, stderr: () => err, exited};
}

/** Polls until `condition` holds; throws with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** True when the process exists and is not a zombie (a zombie runs nothing; it waits to be reaped). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
