/**
 * A stand-in cluster for tests that start the real `netpol-labs` command as a child process: a
 * directory of small executables named docker, kind, kubectl and cilium, put first on PATH. Each one
 * appends its pid and argv to a log (JSON lines) and answers the way the real tool would for the
 * commands the runner sends; kubectl keeps the namespace and the policies it was given in a state
 * file, so a later run sees what an earlier one left. Nothing here opens a socket.
 *
 * Docker, Helm and kind answer with outputs recorded from upstream (tests/runner/fixtures/README.md
 * says where each shape comes from). kubectl's current context lives in the state file too, and
 * `kind create cluster` switches it, as kind does. Each `kubectl apply` also records the objects it
 * read from stdin (applied.jsonl, `applied()`), so a test can say what went to which namespace; a
 * `kubectl delete namespace --field-selector metadata.name=NS` removes that namespace's objects only.
 *
 * Modes (environment of the runner, inherited by the stand-ins):
 * - STANDIN_CURL=hang: `kubectl exec ... curl` ignores SIGTERM and sleeps 300 s (only SIGKILL ends it);
 *   otherwise it answers from the policies in force, with the engine (standin-oracle.ts).
 * - STANDIN_KIND=no-cluster-hang-create: `kind get clusters` lists none and `kind create cluster` hangs.
 * - STANDIN_KIND=no-cluster: `kind get clusters` lists none until `kind create cluster` made it.
 * - STANDIN_KIND_LOAD=containerd-store: `kind load docker-image` fails as it does on Docker's containerd
 *   image store; `kind load image-archive` works.
 * - STANDIN_DOCKER_VERSION / STANDIN_DOCKER_INFO: fixture files `docker version`/`docker info` print
 *   as JSON (default: Docker 29 with the containerd image store).
 * - STANDIN_HELM_RELEASE: a fixture file with the Helm release of Cilium, or `none` (default: the
 *   release `up` installs).
 * - STANDIN_NO_AGENT=1: no cilium DaemonSet (with STANDIN_HELM_RELEASE=none: Cilium never installed).
 * - STANDIN_NOT_READY: a workload (`daemonset/cilium-envoy`) whose rollout never completes.
 * - STANDIN_ENVOY=embedded: cilium-config says `external-envoy-proxy: "false"` and there is no
 *   cilium-envoy DaemonSet.
 * - STANDIN_NODE_NETWORK: the Docker network the kind nodes are on (default netpol-labs, the runner's).
 * - STANDIN_NODE_IP: the control-plane node's address on that network, a /16 (default 172.30.0.2).
 * - STANDIN_HOST_FIREWALL: what cilium-config says for enable-host-firewall (default false, the chart's).
 * - STANDIN_SCTP: what cilium-config says for enable-sctp (default true, what `up` installs; the
 *   chart's own default is false), or `unset`: the key is missing (a chart that never wrote it).
 * - STANDIN_CILIUM_VERSION=hang: `cilium version --client` prints its first line, then hangs like
 *   the stable-version lookup without a network.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {buildSync} from 'esbuild';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';

export const ROOT = resolve(__dirname, '../..');

const STANDIN = String.raw`
const fs = require('node:fs');
const path = require('node:path');
// Loaded only by the calls that read YAML: most calls (docker, kind, rollout waits) need none, and
// a runner test makes dozens of them, each a new node process.
const parseAllDocuments = (text) => require(require.resolve('yaml', {paths: [ROOT]})).parseAllDocuments(text);
const tool = path.basename(process.argv[1]);
const argv = process.argv.slice(2);
fs.appendFileSync(process.env.STANDIN_LOG, JSON.stringify({pid: process.pid, tool, args: argv}) + '\n');
const stateFile = path.join(process.env.STANDIN_STATE, 'state.json');
const load = () => Object.assign({namespace: null, policies: {}, objects: {}, currentContext: 'dev-cluster', created: false}, fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {});
const fixture = (name) => fs.readFileSync(path.resolve(ROOT, 'tests/runner/fixtures', name), 'utf8');
const env = (name, fallback) => process.env[name] || fallback;
const save = (s) => fs.writeFileSync(stateFile, JSON.stringify(s, null, 2));
const has = (w) => argv.includes(w);
const done = (out = '', code = 0, err = '') => { process.stdout.write(out); process.stderr.write(err); process.exit(code); };
const matches = (labels, selector) => selector.split(',').every((kv) => { const [k, v] = kv.split('='); return (labels || {})[k] === v; });
const POLICY = {NetworkPolicy: 'networkpolicies.networking.k8s.io', CiliumNetworkPolicy: 'ciliumnetworkpolicies.cilium.io', CiliumClusterwideNetworkPolicy: 'ciliumclusterwidenetworkpolicies.cilium.io'};

if (tool === 'docker') {
  if (argv[0] === 'version' && argv[2] === '{{json .}}') done(fixture(env('STANDIN_DOCKER_VERSION', 'docker-version-29.json')));
  if (argv[0] === 'version') done(JSON.parse(fixture(env('STANDIN_DOCKER_VERSION', 'docker-version-29.json'))).Server.Version + '\n');
  if (argv[0] === 'info') done(fixture(env('STANDIN_DOCKER_INFO', 'docker-info-containerd.json')));
  // Networks and containers live in the state file; the messages are Docker's own wording.
  const state = load();
  state.networks = state.networks || {};
  state.containers = state.containers || {};
  const last = argv[argv.length - 1];
  const labelsOf = (args) => Object.fromEntries(args.flatMap((a, i) => (a === '--label' ? [args[i + 1].split('=')] : [])));
  const filtered = (labels) => argv.flatMap((a, i) => (a === '--filter' ? [argv[i + 1]] : [])).every((f) => {
    if (f.startsWith('name=')) return true;
    const [k, v] = f.slice('label='.length).split('=');
    return v === undefined ? k in labels : labels[k] === v;
  });
  if (argv[0] === 'network' && argv[1] === 'inspect' && argv[2] === 'bridge') done('1500\n');
  if (argv[0] === 'network' && argv[1] === 'inspect') {
    const n = state.networks[argv[2]];
    if (!n) done('', 1, 'Error response from daemon: network ' + argv[2] + ' not found\n');
    done(JSON.stringify([{Subnet: n.subnet, Gateway: n.gateway}]) + '\n');
  }
  if (argv[0] === 'network' && argv[1] === 'create') {
    state.networks[last] = {subnet: argv[argv.indexOf('--subnet') + 1], gateway: argv[argv.indexOf('--gateway') + 1], labels: labelsOf(argv)};
    save(state);
    done('f00d\n');
  }
  if (argv[0] === 'network' && argv[1] === 'ls') {
    const name = (argv.find((a) => a.startsWith('name=^')) || '').slice('name=^'.length, -1);
    done(Object.entries(state.networks).filter(([n, v]) => n === name && filtered(v.labels)).map(([n]) => n + '\n').join(''));
  }
  if (argv[0] === 'network' && argv[1] === 'rm') { delete state.networks[argv[2]]; save(state); done(argv[2] + '\n'); }
  if (argv[0] === 'inspect' && last === 'netpol-labs-control-plane') {
    done(JSON.stringify({[env('STANDIN_NODE_NETWORK', 'netpol-labs')]: {IPAddress: env('STANDIN_NODE_IP', '172.30.0.2'), IPPrefixLen: 16}}) + '\n');
  }
  if (argv[0] === 'ps') done(Object.entries(state.containers).filter(([, c]) => filtered(c.labels)).map(([n]) => n + '\n').join(''));
  if (argv[0] === 'run') {
    state.containers[argv[argv.indexOf('--name') + 1]] = {labels: labelsOf(argv), ip: argv[argv.indexOf('--ip') + 1]};
    save(state);
    done('c0ffee\n');
  }
  // The outside client's TCP probes: answered from the policies in force (standin-oracle.ts answerNc).
  if (argv[0] === 'exec' && has('nc')) {
    const container = state.containers[argv[1]];
    if (!container) done('', 1, 'Error response from daemon: No such container: ' + argv[1] + '\n');
    const answer = require(path.join(process.env.STANDIN_STATE, 'oracle.cjs')).answerNc(state, {ip: container.ip}, argv[argv.length - 2], Number(argv[argv.length - 1]));
    done(answer.stdout, answer.code, answer.stderr);
  }
  if (argv[0] === 'rm') {
    const names = argv.slice(2);
    const missing = names.filter((n) => !state.containers[n]);
    for (const n of names) delete state.containers[n];
    save(state);
    done(names.filter((n) => !missing.includes(n)).map((n) => n + '\n').join(''), missing.length ? 1 : 0, missing.map((n) => 'Error response from daemon: No such container: ' + n + '\n').join(''));
  }
  done();
}
if (tool === 'helm') {
  if (argv[0] === 'version') done('v3.19.0+g3d8990f\n');
  if (argv[0] === 'template') done(fixture('cilium-rendered.yaml'));
  done();
}
if (tool === 'cilium') {
  if (argv[0] === 'install' && has('--dry-run')) done(fixture('cilium-rendered.yaml'));
  if (argv[0] === 'version') {
    // cilium-cli/cli/version.go prints these lines, then asks the network for the stable version.
    process.stdout.write('cilium-cli: v0.19.7 compiled with go1.25.4 on linux/amd64\ncilium image (default): v1.20.2\n');
    if (process.env.STANDIN_CILIUM_VERSION === 'hang') { setTimeout(() => {}, 300000); return; }
    done('cilium image (stable): v1.20.2\n');
  }
  done();
}
if (tool === 'kind') {
  if (argv[0] === 'version') done('kind v0.33.0 go1.25.4 linux/amd64\n');
  const mode = process.env.STANDIN_KIND || '';
  const state = load();
  if (argv[0] === 'get' && argv[1] === 'clusters') done(mode.startsWith('no-cluster') && !state.created ? 'No kind clusters found.\n' : 'netpol-labs\n');
  if (argv[0] === 'create' && mode === 'no-cluster-hang-create') { process.on('SIGTERM', () => {}); setTimeout(() => {}, 300000); return; }
  // kind puts the nodes on the Docker network this variable names (kind pkg/cluster/internal/providers/docker/network.go).
  if (argv[0] === 'create') { state.created = true; state.kindNetwork = process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || 'kind'; state.currentContext = 'kind-netpol-labs'; save(state); done(); }
  if (argv[0] === 'load' && argv[1] === 'docker-image' && process.env.STANDIN_KIND_LOAD === 'containerd-store') done('', 1, fixture('kind-load-containerd-store.txt'));
  done();
}
// kubectl
if (argv[0] === 'version') done(JSON.stringify({clientVersion: {gitVersion: 'v1.35.8'}}) + '\n');
const args = argv[0] === '--context' ? argv.slice(2) : argv;
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const state = load();
const verb = args[0];
if (verb === 'config') {
  if (args[1] === 'current-context') done(state.currentContext ? state.currentContext + '\n' : '', state.currentContext ? 0 : 1, state.currentContext ? '' : 'error: current-context is not set\n');
  if (args[1] === 'use-context') { state.currentContext = args[2]; save(state); done('Switched to context "' + args[2] + '".\n'); }
  if (args[1] === 'unset') { state.currentContext = null; save(state); done(); }
  done();
}
if (verb === 'get' && args[1] === 'secrets' && opt('--selector') === 'owner=helm,name=cilium') {
  // Helm's secret storage: the release JSON, gzipped and base64-encoded (helm pkg/storage/driver/util.go),
  // in data.release, which the API server base64-encodes again like all Secret data.
  const which = env('STANDIN_HELM_RELEASE', 'helm-release-cilium.json');
  if (which === 'none') done(JSON.stringify({apiVersion: 'v1', kind: 'List', items: []}));
  const helmEncoded = require('node:zlib').gzipSync(fixture(which)).toString('base64');
  const secret = {apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1', metadata: {name: 'sh.helm.release.v1.cilium.v1', namespace: 'kube-system', labels: {name: 'cilium', owner: 'helm', status: 'deployed', version: '1'}}, data: {release: Buffer.from(helmEncoded).toString('base64')}};
  done(JSON.stringify({apiVersion: 'v1', kind: 'List', items: [secret]}));
}
if (verb === 'get' && args[1] === 'configmap' && args[2] === 'cilium-config' && (opt('--output') || '').includes('enable-host-firewall')) done(env('STANDIN_HOST_FIREWALL', 'false'));
if (verb === 'get' && args[1] === 'configmap' && args[2] === 'cilium-config' && (opt('--output') || '').includes('enable-sctp')) done(env('STANDIN_SCTP', 'true') === 'unset' ? '' : env('STANDIN_SCTP', 'true'));
if (verb === 'get' && args[1] === 'configmap' && args[2] === 'cilium-config') done(process.env.STANDIN_ENVOY === 'embedded' ? 'false' : 'true');
if (verb === 'rollout' && args[2] === process.env.STANDIN_NOT_READY) done('Waiting for daemon set "cilium-envoy" rollout to finish: 0 of 1 updated pods are available...\n', 1, 'error: timed out waiting for the condition\n');
if (verb === 'exec' && has('curl')) {
  if (process.env.STANDIN_CURL === 'hang') { process.on('SIGTERM', () => {}); setTimeout(() => {}, 300000); return; }
  const answer = require(path.join(process.env.STANDIN_STATE, 'oracle.cjs')).answerCurl(state, args);
  done(answer.stdout, answer.code, answer.stderr);
}
if (verb === 'exec' && has('nc')) {
  const target = args[args.indexOf('--') - 1];
  // kubectl exec deployment/NAME picks one of its pods; the engine names them NAME-0, NAME-1, ...
  const pod = target.startsWith('deployment/') ? target.slice('deployment/'.length) + '-0' : target;
  const answer = require(path.join(process.env.STANDIN_STATE, 'oracle.cjs')).answerNc(state, {pod: opt('--namespace') + '/' + pod}, args[args.length - 2], Number(args[args.length - 1]));
  done(answer.stdout, answer.code, answer.stderr);
}
// What an outside probe to a Service reads first: its node ports, where its endpoints run, the nodes' addresses.
if (verb === 'get' && args[1] === 'service') {
  const json = require(path.join(process.env.STANDIN_STATE, 'oracle.cjs')).serviceJson(state, args[2]);
  done(json ? json + '\n' : '', json ? 0 : 1, json ? '' : 'Error from server (NotFound): services "' + args[2] + '" not found\n');
}
if (verb === 'get' && args[1] === 'endpointslices') done(JSON.stringify({items: [{endpoints: [{nodeName: 'netpol-labs-worker', conditions: {ready: true}}]}]}) + '\n');
if (verb === 'get' && args[1] === 'nodes') {
  const nodes = require(path.join(process.env.STANDIN_STATE, 'oracle.cjs')).STANDIN_NODES;
  done(JSON.stringify({items: nodes.map((n) => ({metadata: {name: n.name}, status: {addresses: [{type: 'InternalIP', address: n.ip}]}}))}) + '\n');
}
if (verb === 'apply') {
  const input = fs.readFileSync(0, 'utf8');
  const applied = [];
  for (const doc of parseAllDocuments(input)) {
    const o = doc.toJS();
    if (!o) continue;
    applied.push({kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, labels: o.metadata.labels || {}});
    if (o.kind === 'Namespace') state.namespace = {name: o.metadata.name, labels: o.metadata.labels || {}};
    state.objects = {...state.objects, [o.kind + '/' + o.metadata.name]: o};
    if (POLICY[o.kind]) state.policies[o.kind + '/' + o.metadata.name] = o.metadata.labels || {};
  }
  fs.appendFileSync(path.join(process.env.STANDIN_STATE, 'applied.jsonl'), JSON.stringify({pid: process.pid, objects: applied}) + '\n');
  save(state);
  done();
}
if (verb === 'get' && args[1] === 'daemonset' && args[2] === 'cilium') done(process.env.STANDIN_NO_AGENT ? '' : 'daemonset.apps/cilium\n');
if (verb === 'get' && args[1] === 'namespace') {
  // The namespace a test seeded, or one applied (a lab or a challenge may have several).
  const applied = state.objects['Namespace/' + args[2]];
  const labels = state.namespace && state.namespace.name === args[2] ? state.namespace.labels : applied ? applied.metadata.labels || {} : undefined;
  done(labels ? JSON.stringify({kind: 'Namespace', metadata: {name: args[2], labels}}) : '');
}
if (verb === 'get' && args[1].includes('/')) {
  const [resource, name] = args[1].split('/');
  const kind = Object.keys(POLICY).find((k) => POLICY[k] === resource);
  const labels = state.policies[kind + '/' + name];
  if (labels) done(JSON.stringify({kind, metadata: {name, labels}}));
  done('', has('--ignore-not-found') ? 0 : 1, has('--ignore-not-found') ? '' : 'Error from server (NotFound)\n');
}
if (verb === 'get' && args[1] === Object.values(POLICY).join(',')) {
  // As kubectl prints them: a namespaced policy with its namespace, a cluster-wide one without.
  const items = Object.entries(state.policies).filter(([, labels]) => matches(labels, opt('--selector'))).map(([key, labels]) => ({kind: key.split('/')[0], metadata: {name: key.split('/')[1], ...(state.objects[key]?.metadata?.namespace ? {namespace: state.objects[key].metadata.namespace} : {}), labels}}));
  done(JSON.stringify({items}));
}
if (verb === 'delete' && args[1] === Object.values(POLICY).join(',')) {
  for (const [key, labels] of Object.entries(state.policies)) if (matches(labels, opt('--selector'))) { delete state.policies[key]; delete state.objects[key]; }
  save(state);
  done();
}
if (verb === 'delete' && args[1].includes('/')) {
  const [resource, name] = args[1].split('/');
  const kind = Object.keys(POLICY).find((k) => POLICY[k] === resource);
  delete state.policies[kind + '/' + name];
  delete state.objects[kind + '/' + name];
  save(state);
  done();
}
if (verb === 'delete' && args[1] === 'namespace') {
  // --field-selector metadata.name=NS: that namespace and what is in it (cluster-wide objects stay); else everything.
  const only = (opt('--field-selector') || '').replace(/^metadata\.name=/, '');
  if (!only) { state.namespace = null; state.objects = {}; state.policies = {}; save(state); done(); }
  const inside = (key) => key === 'Namespace/' + only || (state.objects[key] && state.objects[key].metadata && state.objects[key].metadata.namespace === only);
  for (const key of Object.keys(state.objects)) if (inside(key)) { delete state.objects[key]; delete state.policies[key]; }
  if (state.namespace && state.namespace.name === only) {
    // Policies a test seeded without an object live in the seeded namespace.
    for (const key of Object.keys(state.policies)) if (!state.objects[key]) delete state.policies[key];
    state.namespace = null;
  }
  save(state);
  done();
}
done();
`;

/** One invocation of a stand-in, as logged. */
export interface Call {
  pid: number;
  tool: string;
  args: string[];
}

/** What the stand-in kubectl and kind hold, as a real API server and kubeconfig would. */
export interface StandinState {
  namespace: {name: string; labels: Record<string, string>} | null;
  policies: Record<string, Record<string, string>>;
  /** The kubeconfig's current context (null: none set). */
  currentContext: string | null;
  /** `kind create cluster` ran (with STANDIN_KIND=no-cluster). */
  created: boolean;
  /** The Docker network `kind create cluster` put the nodes on (KIND_EXPERIMENTAL_DOCKER_NETWORK, else kind's own). */
  kindNetwork?: string;
  /** Docker networks by name (`docker network create/rm`). */
  networks?: Record<string, {subnet: string; gateway: string; labels: Record<string, string>}>;
  /** Docker containers by name (`docker run/rm`). */
  containers?: Record<string, {labels: Record<string, string>; ip?: string}>;
}

/** One `kubectl apply`, as the stand-in read its stdin: every object with its namespace and labels. */
export interface Applied {
  pid: number;
  objects: {kind: string; name: string; namespace?: string; labels: Record<string, string>}[];
}

export interface StandinCluster {
  bin: string;
  log: string;
  stateDir: string;
  calls(): Call[];
  /** Every `kubectl apply` so far, in order, with the objects it was given. */
  applied(): Applied[];
  /** Namespace and policies kubectl currently holds (what a real API server would). */
  state(): StandinState;
  setState(state: Partial<StandinState>): void;
}

export function standinCluster(): StandinCluster {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-labs-standin-'));
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.jsonl');
  const stateDir = dir;
  mkdirSync(bin);
  const script = `#!${process.execPath}\nconst ROOT = ${JSON.stringify(ROOT)};\n(() => {${STANDIN}})();\n`;
  for (const tool of ['docker', 'kind', 'kubectl', 'cilium', 'helm']) {
    writeFileSync(join(bin, tool), script);
    chmodSync(join(bin, tool), 0o755);
  }
  writeFileSync(log, '');
  // The engine behind `kubectl exec ... curl`, compiled once into one CommonJS file the stand-in loads.
  buildSync({entryPoints: [join(ROOT, 'tests/runner/standin-oracle.ts')], outfile: join(dir, 'oracle.cjs'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
    // jsonc-parser's default (UMD) entry loads its parts with dynamic requires; its ES module build bundles.
    mainFields: ['module', 'main']});
  const stateFile = join(dir, 'state.json');
  return {
    bin,
    log,
    stateDir,
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call),
    applied: () => (existsSync(join(dir, 'applied.jsonl')) ? readFileSync(join(dir, 'applied.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Applied) : []),
    // The applied objects (what the oracle answers from) stay out of what tests compare.
    state: () => {
      const {objects: _objects, ...rest} = {namespace: null, policies: {}, currentContext: 'dev-cluster', ...(existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {})};
      return rest;
    },
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
