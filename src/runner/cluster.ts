import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {CILIUM_HELM_REPO, CLUSTER_NAME, KIND_CONTEXT, KIND_NODE_IMAGE, TIMEOUTS} from './constants';
import {CommandFailed, must, succeeded, type Command, type Executor} from './exec';
import {Kubectl} from './kubectl';
import type {Output} from './output';

/**
 * The kind cluster's lifecycle: create (or reuse) `netpol-labs` with the default CNI disabled,
 * install a pinned Cilium with Hubble, wait for the agent, the operator and cilium-envoy, and
 * delete it again. Nothing here touches any other cluster or context.
 */

/** kind's cluster config: no default CNI (Cilium is the CNI), one control plane and N workers. */
export function kindConfig(workers: number): string {
  const config = {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: CLUSTER_NAME,
    // Nodes stay NotReady until Cilium runs; that is expected (facts note, "Cilium on kind").
    networking: {disableDefaultCNI: true},
    nodes: [{role: 'control-plane'}, ...Array.from({length: workers}, () => ({role: 'worker'}))],
  };
  return `# kind cluster for netpol-labs: the default CNI is disabled because Cilium is installed instead.\n${stringify(config)}`;
}

/**
 * Helm values for Cilium, identical for the cilium CLI (`--set`) and helm. Why each one:
 * - hubble + relay: flows are attached to probe results as evidence;
 * - bpf.monitorAggregation=none: complete flow output, so a single dropped SYN shows up;
 * - ipam.mode=kubernetes, image.pullPolicy=IfNotPresent: kind's pod CIDRs, and preloaded images are used;
 * - *.image.useDigest=false: `kind load` images are found by tag only, digests would force a pull.
 */
export const CILIUM_VALUES: readonly string[] = [
  'hubble.enabled=true',
  'hubble.relay.enabled=true',
  'bpf.monitorAggregation=none',
  'ipam.mode=kubernetes',
  'image.pullPolicy=IfNotPresent',
  'image.useDigest=false',
  'operator.image.useDigest=false',
  'envoy.image.useDigest=false',
  'hubble.relay.image.useDigest=false',
];

const setFlags = (): string[] => CILIUM_VALUES.flatMap((v) => ['--set', v]);

/** The workloads that must be ready before any step (cilium-envoy serves every L7 rule). */
export const CILIUM_WORKLOADS = ['daemonset/cilium', 'deployment/cilium-operator', 'daemonset/cilium-envoy', 'deployment/hubble-relay'] as const;

/** Options of `netpol-labs up`. */
export interface UpOptions {
  ciliumVersion: string;
  workers: number;
  preload: boolean;
  installer: 'cilium' | 'helm';
  /** Images the labs need (starwars, json-mock), preloaded with --preload. */
  appImages: string[];
  /**
   * Runs the undo of a half-done step after Ctrl-C or a timeout (an executor not bound to the
   * Ctrl-C signal, or its commands would be cancelled before they start). Defaults to `executor`.
   */
  cleanup?: Executor;
}

/** Commands of the Cilium install, for either installer. */
export function ciliumInstallCommands(installer: 'cilium' | 'helm', version: string): Command[] {
  if (installer === 'cilium') {
    return [
      {file: 'cilium', args: ['install', '--context', KIND_CONTEXT, '--version', version, ...setFlags()], timeoutMs: TIMEOUTS.ciliumInstall},
      // --interactive=false: print plain lines instead of redrawing a status box (CI logs).
      {
        file: 'cilium',
        args: ['status', '--context', KIND_CONTEXT, '--wait', '--wait-duration', '10m', '--interactive=false'],
        timeoutMs: TIMEOUTS.ciliumWait,
      },
    ];
  }
  return [
    {file: 'helm', args: ['repo', 'add', 'cilium', CILIUM_HELM_REPO, '--force-update'], timeoutMs: TIMEOUTS.quick * 3},
    {
      file: 'helm',
      args: ['upgrade', '--install', 'cilium', 'cilium/cilium', '--kube-context', KIND_CONTEXT, '--namespace', 'kube-system',
        '--version', version, ...setFlags(), '--wait', '--timeout', '10m'],
      timeoutMs: TIMEOUTS.ciliumWait,
    },
  ];
}

/** The command that renders Cilium's manifests without installing, to learn which images it uses. */
export function ciliumRenderCommand(installer: 'cilium' | 'helm', version: string): Command {
  if (installer === 'cilium') {
    return {file: 'cilium', args: ['install', '--context', KIND_CONTEXT, '--version', version, ...setFlags(), '--dry-run'], timeoutMs: TIMEOUTS.ciliumInstall};
  }
  return {
    file: 'helm',
    args: ['template', 'cilium', 'cilium/cilium', '--namespace', 'kube-system', '--version', version, ...setFlags()],
    timeoutMs: TIMEOUTS.ciliumInstall,
  };
}

/** Every `image:` of rendered manifests, de-duplicated, in order. */
export function imagesInManifests(rendered: string): string[] {
  const images = new Set<string>();
  for (const m of rendered.matchAll(/^\s*(?:-\s*)?image:\s*["']?([^\s"']+)["']?\s*$/gm)) images.add(m[1]);
  return [...images];
}

/** Names of kind clusters (`kind get clusters` prints one per line). */
async function kindClusters(executor: Executor): Promise<string[]> {
  const result = await must(executor, {file: 'kind', args: ['get', 'clusters'], timeoutMs: TIMEOUTS.quick});
  return result.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('No kind clusters'));
}

/**
 * Creates (or reuses) the cluster and makes Cilium ready. Idempotent: a second `up` finds the
 * cluster and the Cilium DaemonSet and only waits for readiness.
 */
export async function up(executor: Executor, out: Output, options: UpOptions): Promise<void> {
  const kubectl = new Kubectl(KIND_CONTEXT);
  const clusters = await kindClusters(executor);
  if (clusters.includes(CLUSTER_NAME)) {
    out.line(`cluster ${CLUSTER_NAME} exists: reusing it (context ${KIND_CONTEXT})`);
  } else {
    out.line(`creating kind cluster ${CLUSTER_NAME} (${KIND_NODE_IMAGE}, ${options.workers} worker(s), default CNI disabled)`);
    const config = kindConfig(options.workers);
    // A temporary file: kind reads its config from a path. In a dry run nothing is written; the plan
    // shows the config instead.
    const dir = executor.dryRun ? join(tmpdir(), 'netpol-labs-XXXXXX') : mkdtempSync(join(tmpdir(), 'netpol-labs-'));
    const file = join(dir, 'kind-config.yaml');
    if (executor.dryRun) out.line(`# ${file}:\n${config.trimEnd().split('\n').map((l) => `#   ${l}`).join('\n')}`);
    else writeFileSync(file, config);
    try {
      // No --wait: with the default CNI disabled the nodes are NotReady until Cilium runs, so waiting
      // here would only time out (the reason kind-action users set wait: 0 without a CNI).
      const create: Command = {
        file: 'kind',
        args: ['create', 'cluster', '--name', CLUSTER_NAME, '--image', KIND_NODE_IMAGE, '--config', file],
        timeoutMs: TIMEOUTS.kindCreate,
      };
      const created = await executor.run(create);
      if (!succeeded(created)) {
        // kind removes its nodes when it fails on its own, but not when it is killed (Ctrl-C, our
        // timeout): the half-made cluster would then be listed by `kind get clusters` and reused by
        // the next run. This run was creating it, so deleting it deletes only what the runner made.
        out.line(`kind create cluster did not finish: deleting the partly created cluster ${CLUSTER_NAME} so the next run starts clean`);
        await (options.cleanup ?? executor).run({file: 'kind', args: ['delete', 'cluster', '--name', CLUSTER_NAME], timeoutMs: TIMEOUTS.kindDelete});
        throw new CommandFailed(create, created);
      }
    } finally {
      if (!executor.dryRun) rmSync(dir, {recursive: true, force: true});
    }
  }

  const installed = await executor.run(kubectl.command(['get', 'daemonset', 'cilium', '--namespace', 'kube-system', '--output', 'name', '--ignore-not-found']));
  const ciliumPresent = succeeded(installed) && installed.stdout.trim() !== '';
  if (options.preload) await preload(executor, out, options);
  if (ciliumPresent) {
    out.line('Cilium is installed: waiting until it is ready');
  } else {
    out.line(`installing Cilium ${options.ciliumVersion} with ${options.installer === 'cilium' ? 'the cilium CLI' : 'helm'} (Hubble on)`);
    for (const command of ciliumInstallCommands(options.installer, options.ciliumVersion)) await must(executor, command);
  }
  for (const workload of CILIUM_WORKLOADS) {
    await must(executor, kubectl.command(['rollout', 'status', workload, '--namespace', 'kube-system', '--timeout=300s'], {timeoutMs: 320_000}));
  }
  await must(executor, kubectl.command(['wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=300s'], {timeoutMs: 320_000}));
  out.line(`ready: kind cluster ${CLUSTER_NAME} with Cilium (agent, operator, cilium-envoy, Hubble relay)`);
}

/** Pulls each image once and loads it into the kind nodes, so no node pulls from a registry. */
async function preload(executor: Executor, out: Output, options: UpOptions): Promise<void> {
  const rendered = await must(executor, ciliumRenderCommand(options.installer, options.ciliumVersion));
  const images = [...imagesInManifests(rendered.stdout), ...options.appImages];
  if (executor.dryRun) out.line('# images: those rendered above (cilium, operator, envoy, hubble-relay) and the labs\' images');
  for (const image of [...new Set(images)]) {
    const local = await executor.run({file: 'docker', args: ['image', 'inspect', '--format', '{{.Id}}', image], timeoutMs: TIMEOUTS.quick});
    if (!succeeded(local) || executor.dryRun) await must(executor, {file: 'docker', args: ['pull', image], timeoutMs: TIMEOUTS.image});
    await must(executor, {file: 'kind', args: ['load', 'docker-image', image, '--name', CLUSTER_NAME], timeoutMs: TIMEOUTS.image});
  }
}

/** Deletes the netpol-labs kind cluster, and only it. */
export async function down(executor: Executor, out: Output): Promise<void> {
  const clusters = await kindClusters(executor);
  if (!clusters.includes(CLUSTER_NAME) && !executor.dryRun) {
    out.line(`no kind cluster named ${CLUSTER_NAME}: nothing to delete`);
    return;
  }
  await must(executor, {file: 'kind', args: ['delete', 'cluster', '--name', CLUSTER_NAME], timeoutMs: TIMEOUTS.kindDelete});
  out.line(`deleted kind cluster ${CLUSTER_NAME}`);
}

/** What `status` found. */
export interface ClusterStatus {
  cluster: boolean;
  nodes?: {name: string; ready: boolean}[];
  workloads: {name: string; ready: string; ok: boolean}[];
  labNamespaces: string[];
}

/** Says what exists and what is ready, without changing anything. */
export async function status(executor: Executor): Promise<ClusterStatus> {
  const clusters = await kindClusters(executor);
  const result: ClusterStatus = {cluster: clusters.includes(CLUSTER_NAME), workloads: [], labNamespaces: []};
  if (!result.cluster && !executor.dryRun) return result;
  const kubectl = new Kubectl(KIND_CONTEXT);
  const nodes = await executor.run(kubectl.command(['get', 'nodes', '--output', 'json'], {timeoutMs: TIMEOUTS.quick}));
  if (succeeded(nodes) && nodes.stdout.trim()) {
    const items = (JSON.parse(nodes.stdout).items ?? []) as {metadata: {name: string}; status?: {conditions?: {type: string; status: string}[]}}[];
    result.nodes = items.map((n) => ({
      name: n.metadata.name,
      ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    }));
  }
  for (const workload of CILIUM_WORKLOADS) {
    const [kind, name] = workload.split('/');
    const jsonpath = kind === 'daemonset' ? '{.status.numberReady}/{.status.desiredNumberScheduled}' : '{.status.readyReplicas}/{.spec.replicas}';
    const r = await executor.run(kubectl.command(['get', workload, '--namespace', 'kube-system', '--output', `jsonpath=${jsonpath}`], {timeoutMs: TIMEOUTS.quick}));
    const ready = succeeded(r) ? r.stdout.trim() : 'missing';
    const [have, want] = ready.split('/');
    result.workloads.push({name, ready, ok: succeeded(r) && have !== '' && have === want && want !== '0'});
  }
  const ns = await executor.run(
    kubectl.command(['get', 'namespaces', '--selector', 'app.kubernetes.io/managed-by=netpol-labs', '--output', 'name'], {timeoutMs: TIMEOUTS.quick}),
  );
  if (succeeded(ns)) result.labNamespaces = ns.stdout.split('\n').map((l) => l.replace(/^namespace\//, '').trim()).filter(Boolean);
  return result;
}

/** Renders a status for the terminal. */
export function formatStatus(s: ClusterStatus): string {
  if (!s.cluster) return `kind cluster ${CLUSTER_NAME}: not created (run: netpol-labs up)`;
  const lines = [`kind cluster ${CLUSTER_NAME}: exists (context ${KIND_CONTEXT})`];
  for (const n of s.nodes ?? []) lines.push(`  node ${n.name}: ${n.ready ? 'Ready' : 'NotReady'}`);
  for (const w of s.workloads) lines.push(`  ${w.name}: ${w.ok ? 'ready' : 'not ready'} (${w.ready || 'unknown'})`);
  lines.push(`  lab namespaces: ${s.labNamespaces.length ? s.labNamespaces.join(', ') : 'none'}`);
  return lines.join('\n');
}
