import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {ciliumInstallCommands, ciliumWorkloads, describeEnvoy, envoyMode, newestRelease, releaseProblems, releaseSecretsCommand, type HelmRelease, type Workload} from './cilium-install';
import {CLUSTER_NAME, KIND_CONTEXT, KIND_NODE_IMAGE, MANAGED_BY_LABEL, MANAGED_BY_VALUE, TIMEOUTS} from './constants';
import {CommandFailed, formatCommand, must, succeeded, type Command, type Executor} from './exec';
import type {HostPolicy} from '../lab/host-firewall-needs';
import {describeNeeds, HOST_FIREWALL_VALUE, hostFirewallSettingCommand} from './host-firewall';
import {SCTP_VALUE, sctpProblem, sctpSettingCommand} from './sctp';
import {ensureNetwork, KIND_NETWORK, KIND_NETWORK_ENV, KIND_SUBNET, networkRemoveCommand, nodeNetworksCommand, nodeSubnetProblem, parseNodeNetworks} from './kind-network';
import {Kubectl} from './kubectl';
import {listContainersCommand, removeLabContainers} from './outside';
import type {Output} from './output';
import type {Installer} from './preflight';
import {preload} from './preload';

/**
 * The kind cluster's lifecycle: create (or reuse) `netpol-labs` with the default CNI disabled,
 * install a pinned Cilium with Hubble, wait for the agent, the operator, Envoy and Hubble relay,
 * and delete it again. Nothing here touches any other cluster; the user's current context is put
 * back after kind changed it.
 */

/** kind's cluster config: no default CNI (Cilium is the CNI), one control plane and N workers. */
export function kindConfig(workers: number): string {
  const config = {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: CLUSTER_NAME,
    // Nodes stay NotReady until Cilium runs; that is expected (Cilium docs, "Installation Using Kind":
    // https://docs.cilium.io/en/stable/installation/kind/, which disables the default CNI the same way).
    networking: {disableDefaultCNI: true},
    nodes: [{role: 'control-plane'}, ...Array.from({length: workers}, () => ({role: 'worker'}))],
  };
  return `# kind cluster for netpol-labs: the default CNI is disabled because Cilium is installed instead.\n${stringify(config)}`;
}

/**
 * `kind create cluster` with the pinned node image and a config file; `-` reads the config from
 * stdin (kind docs, "Ingress": `cat <<EOF | kind create cluster --config=-`), given as `input`.
 * No --wait: with the default CNI disabled the nodes are NotReady until Cilium runs, so waiting
 * here would only time out (the reason kind-action users set wait: 0 without a CNI).
 * KIND_EXPERIMENTAL_DOCKER_NETWORK puts the nodes on the runner's network with its pinned subnet
 * (kind-network.ts), which `up` creates first.
 */
export function kindCreateCommand(configFile: string, input?: string): Command {
  return {
    file: 'kind',
    args: ['create', 'cluster', '--name', CLUSTER_NAME, '--image', KIND_NODE_IMAGE, `--config=${configFile}`],
    env: {[KIND_NETWORK_ENV]: KIND_NETWORK},
    timeoutMs: TIMEOUTS.kindCreate,
    ...(input !== undefined ? {input} : {}),
  };
}

/** Names of kind clusters (`kind get clusters` prints one per line). */
async function kindClusters(executor: Executor): Promise<string[]> {
  const result = await must(executor, {file: 'kind', args: ['get', 'clusters'], timeoutMs: TIMEOUTS.quick});
  return result.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('No kind clusters'));
}

/** Options of `netpol-labs up`. */
export interface UpOptions {
  ciliumVersion: string;
  workers: number;
  preload: boolean;
  installer: Installer;
  /** Images the labs need (starwars, json-mock), preloaded with --preload. */
  appImages: string[];
  /**
   * The labs' host policies: when there is any, Cilium is installed with the host firewall on, and a
   * cluster is reused only when it has it (host-firewall.ts). Empty or absent: not needed.
   */
  hostFirewall?: HostPolicy[];
  /**
   * Host policies of other labs (those in labs/ that this run does not play): a new install turns
   * the host firewall on for them too, so one cluster serves every lab; a reuse does not demand it.
   */
  hostFirewallOthers?: HostPolicy[];
  /**
   * Runs the undo of a half-done step after Ctrl-C or a timeout (an executor not bound to the
   * Ctrl-C signal, or its commands would be cancelled before they start). Defaults to `executor`.
   */
  cleanup?: Executor;
}

/** The cluster cannot be used as it is; the message says what is wrong and what to do. */
export class ClusterNotReusable extends Error {
  /** `fresh`: Cilium was just installed and did not become ready, rather than an existing cluster found lacking. */
  constructor(problems: string[], fresh = false) {
    super(
      `${fresh ? `Cilium did not become ready in kind cluster ${CLUSTER_NAME}` : `kind cluster ${CLUSTER_NAME} exists but is not one the labs can use`}:\n` +
        `${problems.map((p) => `  - ${p}`).join('\n')}\nDelete it and start again: netpol-labs down && netpol-labs up`,
    );
    this.name = 'ClusterNotReusable';
  }
}

/**
 * Creates (or reuses) the cluster and makes Cilium ready. A cluster is reused only when it is
 * complete: Cilium's Helm release deployed at the pinned version with the values the labs need, and
 * every workload ready. A cluster without Cilium (an earlier `up` stopped before installing it)
 * gets it installed; anything else is reported, with `netpol-labs down` as the way out.
 */
export async function up(executor: Executor, out: Output, options: UpOptions): Promise<void> {
  const kubectl = new Kubectl(KIND_CONTEXT);
  const clusters = await kindClusters(executor);
  const needs = options.hostFirewall ?? [];
  const state = clusters.includes(CLUSTER_NAME) ? await checkReusable(executor, kubectl, out, options.ciliumVersion, needs) : 'new';
  if (state === 'new') await createCluster(executor, out, options);
  if (options.preload) await preload(executor, out, options);
  if (state !== 'complete') {
    const install = [...needs, ...(options.hostFirewallOthers ?? [])];
    const firewall = install.length > 0 ? `, host firewall on: ${describeNeeds(install)}` : '';
    out.line(`installing Cilium ${options.ciliumVersion} with ${options.installer === 'cilium-cli' ? 'the cilium CLI' : 'helm'} (Hubble on, SCTP support on${firewall})`);
    // SCTP support always: lab netpol-sctp needs it, and without it Cilium drops every SCTP packet (sctp.ts).
    const values = [...(install.length > 0 ? [HOST_FIREWALL_VALUE] : []), SCTP_VALUE];
    for (const command of ciliumInstallCommands(options.installer, options.ciliumVersion, values)) await must(executor, command);
  }
  const mode = await envoyMode(executor, kubectl);
  // A reused cluster was found ready a moment ago; a new install is waited for.
  if (state !== 'complete') {
    const failed = await waitReady(executor, kubectl, ciliumWorkloads(mode), '300s');
    if (failed.length > 0) throw new ClusterNotReusable(failed, true);
  }
  out.line(`ready: kind cluster ${CLUSTER_NAME} with Cilium ${options.ciliumVersion} (agent, operator, Hubble relay); ${describeEnvoy(mode)}`);
}

/**
 * Decides whether an existing cluster can be used: `complete` (nothing to do), `no-cilium` (Cilium
 * still has to be installed: no release and no agent); throws ClusterNotReusable otherwise.
 */
async function checkReusable(executor: Executor, kubectl: Kubectl, out: Output, version: string, needs: HostPolicy[]): Promise<'complete' | 'no-cilium'> {
  out.line(`cluster ${CLUSTER_NAME} exists: checking that it is complete before reusing it (context ${KIND_CONTEXT})`);
  const networks = await executor.run(nodeNetworksCommand(CONTROL_PLANE_NODE));
  const secrets = await executor.run(releaseSecretsCommand(kubectl));
  const agent = await executor.run(agentPresentCommand(kubectl));
  const firewall = needs.length > 0 ? await executor.run(hostFirewallSettingCommand(kubectl)) : undefined;
  const sctp = await executor.run(sctpSettingCommand(kubectl));
  if (executor.dryRun) {
    out.line(`# reuse only if the nodes are on Docker network ${KIND_NETWORK} (${KIND_SUBNET}), the Helm release "cilium" is deployed at ${version} with the values above` +
      `${needs.length > 0 ? ', the host firewall is on (enable-host-firewall "true")' : ''}, SCTP support is on (enable-sctp "true") and every workload is ready; otherwise stop and say what is wrong`);
    return 'complete';
  }
  const attached = parseNodeNetworks(networks.stdout);
  if (!attached.includes(KIND_NETWORK)) {
    throw new ClusterNotReusable([
      succeeded(networks)
        ? `its nodes are on Docker network ${attached.join(', ') || 'none'}, not ${KIND_NETWORK} (${KIND_SUBNET}), where the labs put their machines outside the cluster (an earlier netpol-labs created it on kind's default network)`
        : `its node ${CONTROL_PLANE_NODE} could not be inspected: ${networks.stderr.trim().split('\n').pop() || `exit ${networks.exitCode}`}`,
    ]);
  }
  const subnet = nodeSubnetProblem(networks.stdout);
  if (subnet) throw new ClusterNotReusable([subnet]);
  if (!succeeded(secrets) || !succeeded(agent)) {
    throw new ClusterNotReusable([`its API server does not answer: ${(secrets.stderr || agent.stderr).trim().split('\n').pop() || `exit ${secrets.exitCode}`}`]);
  }
  let release: HelmRelease | undefined;
  try {
    release = newestRelease(secrets.stdout);
  } catch (error) {
    throw new ClusterNotReusable([`Cilium's Helm release could not be read (${error instanceof Error ? error.message : String(error)})`]);
  }
  if (!release && agent.stdout.trim() === '') {
    out.line('Cilium is not installed in it yet (an earlier `up` stopped before installing it)');
    return 'no-cilium';
  }
  const problems = releaseProblems(release, version);
  if (firewall && release) {
    const setting = succeeded(firewall) ? firewall.stdout.trim() : '';
    if (setting !== 'true') {
      problems.push(`the host firewall is off (cilium-config enable-host-firewall is ${setting ? `"${setting}"` : 'not set'}), and ${describeNeeds(needs)}: ` +
        'Cilium enforces host policies only with it, and it is set when Cilium is installed');
    }
  }
  if (release) {
    const problem = sctpProblem(succeeded(sctp) ? sctp.stdout.trim() : '');
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new ClusterNotReusable(problems);
  const failed = await waitReady(executor, kubectl, ciliumWorkloads(await envoyMode(executor, kubectl)), '60s');
  if (failed.length > 0) throw new ClusterNotReusable(failed);
  out.line(`reusing it: Cilium ${version} is deployed with the labs' settings${needs.length > 0 ? ', the host firewall on' : ''} and SCTP support on, and every workload is ready`);
  return 'complete';
}

/** `kubectl rollout status` of one of Cilium's workloads in kube-system, waiting at most `timeout`. */
export function workloadReadyCommand(kubectl: Kubectl, workload: Workload, timeout: string): Command {
  return kubectl.command(['rollout', 'status', workload, '--namespace', 'kube-system', `--timeout=${timeout}`], {timeoutMs: waitLimitMs(timeout)});
}

/** Waits until every node is Ready (they are not before the CNI, Cilium, runs). */
export function nodesReadyCommand(kubectl: Kubectl, timeout: string): Command {
  return kubectl.command(['wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${timeout}`], {timeoutMs: waitLimitMs(timeout)});
}

/** Is Cilium's agent there at all? Prints `daemonset.apps/cilium`, or nothing. */
export function agentPresentCommand(kubectl: Kubectl): Command {
  return kubectl.command(['get', 'daemonset', 'cilium', '--namespace', 'kube-system', '--output', 'name', '--ignore-not-found'], {timeoutMs: TIMEOUTS.quick});
}

/** kubectl's own --timeout, plus time for kubectl to report it. */
const waitLimitMs = (timeout: string) => Number.parseInt(timeout, 10) * 1000 + 20_000;

/** Waits for each workload's rollout and for the nodes; returns what did not become ready. */
async function waitReady(executor: Executor, kubectl: Kubectl, workloads: Workload[], timeout: string): Promise<string[]> {
  const failed: string[] = [];
  for (const workload of workloads) {
    const r = await executor.run(workloadReadyCommand(kubectl, workload, timeout));
    if (!succeeded(r)) failed.push(`${workload} in kube-system is not ready within ${timeout}: ${lastLine(r.stderr || r.stdout) || (r.timedOut ? 'timed out' : `exit ${r.exitCode}`)}`);
  }
  const nodes = await executor.run(nodesReadyCommand(kubectl, timeout));
  if (!succeeded(nodes)) failed.push(`not every node is Ready within ${timeout}: ${lastLine(nodes.stderr || nodes.stdout) || `exit ${nodes.exitCode}`}`);
  return failed;
}

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';

/**
 * `kind create cluster`, and the user's kubectl context put back afterwards: kind makes the new
 * cluster's context the current one (kind docs, "Interacting With Your Cluster"), and the runner
 * names its context in every command anyway, so a user's `kubectl` keeps pointing where it did.
 */
async function createCluster(executor: Executor, out: Output, options: UpOptions): Promise<void> {
  out.line(`creating kind cluster ${CLUSTER_NAME} (${KIND_NODE_IMAGE}, ${options.workers} worker(s), default CNI disabled)`);
  const current = await executor.run({file: 'kubectl', args: ['config', 'current-context'], timeoutMs: TIMEOUTS.quick});
  // kubectl exits 1 with "current-context is not set" when there is none.
  const previous = executor.dryRun ? 'PREVIOUS_CONTEXT' : succeeded(current) ? current.stdout.trim() : '';
  await ensureNetwork(executor, out);
  const config = kindConfig(options.workers);
  // A temporary file: kind reads its config from a path. In a dry run nothing is written; the plan
  // shows the config instead.
  const dir = executor.dryRun ? join(tmpdir(), 'netpol-labs-XXXXXX') : mkdtempSync(join(tmpdir(), 'netpol-labs-'));
  const file = join(dir, 'kind-config.yaml');
  if (executor.dryRun) out.line(`# ${file}:\n${config.trimEnd().split('\n').map((l) => `#   ${l}`).join('\n')}`);
  else writeFileSync(file, config);
  try {
    const create = kindCreateCommand(file);
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
  await restoreContext(executor, out, previous);
}

/** Puts the user's current kubectl context back after kind switched it to kind-netpol-labs. */
async function restoreContext(executor: Executor, out: Output, previous: string): Promise<void> {
  if (previous === KIND_CONTEXT) return;
  const command: Command = previous
    ? {file: 'kubectl', args: ['config', 'use-context', previous], timeoutMs: TIMEOUTS.quick}
    : {file: 'kubectl', args: ['config', 'unset', 'current-context'], timeoutMs: TIMEOUTS.quick};
  const r = await executor.run(command);
  if (executor.dryRun) {
    out.line(`# kind made ${KIND_CONTEXT} the current kubectl context; the line above puts the previous one back (the runner always passes --context itself)`);
  } else if (succeeded(r)) {
    out.line(previous
      ? `kind switched your current kubectl context; it is ${previous} again (netpol-labs always names ${KIND_CONTEXT} itself)`
      : `kind set a current kubectl context where there was none; unset it again (netpol-labs always names ${KIND_CONTEXT} itself)`);
  } else {
    out.line(`warning: kind left ${KIND_CONTEXT} as your current kubectl context and putting ${previous || 'none'} back failed: ${lastLine(r.stderr)}; run: ${formatCommand(command)}`);
  }
}

/** The control-plane node's container: kind names it `<cluster>-control-plane`. */
const CONTROL_PLANE_NODE = `${CLUSTER_NAME}-control-plane`;

/**
 * Deletes the netpol-labs kind cluster, then the labs' containers outside it and its Docker network,
 * and only those: containers and network are found by the runner's owner label.
 */
export async function down(executor: Executor, out: Output): Promise<void> {
  const clusters = await kindClusters(executor);
  if (!clusters.includes(CLUSTER_NAME) && !executor.dryRun) {
    out.line(`no kind cluster named ${CLUSTER_NAME}: nothing to delete`);
  } else {
    await must(executor, {file: 'kind', args: ['delete', 'cluster', '--name', CLUSTER_NAME], timeoutMs: TIMEOUTS.kindDelete});
    out.line(`deleted kind cluster ${CLUSTER_NAME}`);
  }
  await removeLabContainers(executor, out);
  // The network goes last (Docker refuses to remove one that containers still use), and only when
  // it carries the runner's label: a network of that name someone else made stays.
  const list: Command = {
    file: 'docker',
    args: ['network', 'ls', '--filter', `name=^${KIND_NETWORK}$`, '--filter', `label=${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`, '--format', '{{.Name}}'],
    timeoutMs: TIMEOUTS.quick,
  };
  const listed = await must(executor, list);
  if (executor.dryRun) out.line(`# remove the network when the line above lists it`);
  if (executor.dryRun || listed.stdout.trim() === KIND_NETWORK) {
    await must(executor, networkRemoveCommand());
    if (!executor.dryRun) out.line(`removed Docker network ${KIND_NETWORK}`);
  }
}

/** What `status` found. */
export interface ClusterStatus {
  cluster: boolean;
  nodes?: {name: string; ready: boolean}[];
  workloads: {name: string; ready: string; ok: boolean}[];
  /** Where Envoy runs (its own DaemonSet, or inside the agent). */
  envoy?: string;
  labNamespaces: string[];
  /** The labs' containers outside the cluster (on the runner's Docker network), by name. */
  outsideContainers: string[];
}

/** Says what exists and what is ready, without changing anything. */
export async function status(executor: Executor): Promise<ClusterStatus> {
  const clusters = await kindClusters(executor);
  const result: ClusterStatus = {cluster: clusters.includes(CLUSTER_NAME), workloads: [], labNamespaces: [], outsideContainers: []};
  const containers = await executor.run(listContainersCommand());
  if (succeeded(containers)) result.outsideContainers = containers.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
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
  const mode = await envoyMode(executor, kubectl);
  result.envoy = describeEnvoy(mode);
  for (const workload of ciliumWorkloads(mode)) {
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
  if (s.envoy) lines.push(`  ${s.envoy}`);
  lines.push(`  lab namespaces: ${s.labNamespaces.length ? s.labNamespaces.join(', ') : 'none'}`);
  lines.push(`  containers outside the cluster (Docker network ${KIND_NETWORK}): ${s.outsideContainers.length ? s.outsideContainers.join(', ') : 'none'}`);
  return lines.join('\n');
}
