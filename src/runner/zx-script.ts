/**
 * `netpol-labs export LAB --zx`: a standalone zx script that plays a lab on a local kind cluster
 * with Cilium, as `netpol-labs run LAB --target kind` does, for instructors who want one readable
 * file (https://google.github.io/zx/). The script is src/runner/zx-template.mjs with three parts
 * filled in at generation: the cluster setup and the lab as data (the runner's own commands, from
 * cluster.ts, kind-network.ts, outside.ts and lab-commands.ts), and the probe classification and
 * the node-port reading compiled from probe.ts and outside.ts. So the script and the runner send
 * the same commands and read the same output the same way, machines outside the cluster included.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {build} from 'esbuild';
import type {Lab, Probe} from '../lab/load';
import {ciliumInstallCommands} from './cilium-install';
import {unsupportedOnCluster} from './cluster-support';
import {agentPresentCommand, kindConfig, kindCreateCommand, nodesReadyCommand, workloadReadyCommand} from './cluster';
import {CILIUM_VERSION, CLUSTER_NAME, CONVERGE_CONSECUTIVE, CONVERGE_DEADLINE_MS, KIND_CONTEXT, LAB_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, POLICY_RESOURCES, TIMEOUTS} from './constants';
import type {Command} from './exec';
import {describeNeeds, HOST_FIREWALL_VALUE, hostFirewallNeeds, hostFirewallSettingCommand} from './host-firewall';
import {needsSctp, SCTP_VALUE, sctpSettingCommand} from './sctp';
import {bridgeMtuCommand, KIND_NETWORK, KIND_SUBNET, MTU_OPTION, networkCreateCommand, networkInspectCommand, nodeNetworksCommand} from './kind-network';
import {Kubectl} from './kubectl';
import {nodePortCommands} from './node-port';
import {labContainers, listContainersCommand, outsideProbeCommand, plannedOutsideProbeCommand, removeContainersCommand, runContainerCommand} from './outside';
import {
  applyAppCommand, applyPoliciesCommand, appReadyCommands, clusterScopedPolicies, deletePolicyCommand, listPoliciesCommands,
  namespaceCommands, ownerCheckCommand, probeCommand, recoveryCommands, removePoliciesCommands,
} from './lab-commands';
import {policyId, stepPolicies} from './objects';
import {agentNodesCommand, endpointAuditCommand, endpointIdCommand, labPodsCommand} from './audit-mode';

/** How often the script repeats the harmless probes while a step's policies take effect (as the runner). */
const POLL_INTERVAL_MS = 2_000;

/** A command as the script runs it: only what it needs (labels for plans are the runner's). */
function data(command: Command): Pick<Command, 'file' | 'args' | 'timeoutMs' | 'input' | 'env'> {
  return {
    file: command.file,
    args: command.args,
    timeoutMs: command.timeoutMs,
    ...(command.input !== undefined ? {input: command.input} : {}),
    ...(command.env !== undefined ? {env: command.env} : {}),
  };
}

/** The kind control-plane node's container, whose networks tell whether a cluster is on KIND_NETWORK. */
const CONTROL_PLANE_NODE = `${CLUSTER_NAME}-control-plane`;

/**
 * The cluster's part of the script: the Docker network, the cluster on it, Cilium with either
 * installer (with the host firewall when the lab has a host policy, and SCTP support always, as
 * `netpol-labs up` installs it), and the waits.
 */
function setupData(lab: Lab) {
  const kubectl = new Kubectl(KIND_CONTEXT);
  const firewall = hostFirewallNeeds([lab]);
  const values = [...(firewall.length > 0 ? [HOST_FIREWALL_VALUE] : []), SCTP_VALUE];
  return {
    cluster: CLUSTER_NAME,
    context: KIND_CONTEXT,
    ciliumVersion: CILIUM_VERSION,
    // The nodes and the lab's machines outside the cluster share this network, made as `netpol-labs
    // up` makes it (kind-network.ts), so the script's cluster and the runner's are interchangeable.
    network: {
      name: KIND_NETWORK,
      subnet: KIND_SUBNET,
      inspect: data(networkInspectCommand()),
      bridgeMtu: data(bridgeMtuCommand()),
      create: data(networkCreateCommand()),
      mtuOption: MTU_OPTION,
    },
    nodeNetworks: data(nodeNetworksCommand(CONTROL_PLANE_NODE)),
    // One worker, as `netpol-labs up` makes by default; the config goes to kind on stdin.
    createCluster: data(kindCreateCommand('-', kindConfig(1))),
    listClusters: data({file: 'kind', args: ['get', 'clusters'], timeoutMs: TIMEOUTS.quick}),
    agentPresent: data(agentPresentCommand(kubectl)),
    ...(firewall.length > 0 ? {hostFirewall: {why: describeNeeds(firewall), setting: data(hostFirewallSettingCommand(kubectl))}} : {}),
    // A cluster reused for a lab with SCTP probes must have SCTP support on (sctp.ts).
    ...(needsSctp(lab) ? {sctp: {setting: data(sctpSettingCommand(kubectl))}} : {}),
    install: {cilium: ciliumInstallCommands('cilium-cli', CILIUM_VERSION, values).map(data), helm: ciliumInstallCommands('helm', CILIUM_VERSION, values).map(data)},
    ready: [...(['daemonset/cilium', 'deployment/cilium-operator'] as const).map((w) => workloadReadyCommand(kubectl, w, '300s')), nodesReadyCommand(kubectl, '300s')].map(data),
    convergeDeadlineMs: CONVERGE_DEADLINE_MS,
    convergeConsecutive: CONVERGE_CONSECUTIVE,
    pollIntervalMs: POLL_INTERVAL_MS,
  };
}

/** The lab's part of the script: its app and, per step, the policy changes and the probes. */
function labData(lab: Lab) {
  const kubectl = new Kubectl(KIND_CONTEXT);
  const everyPolicy = [...new Map(lab.steps.flatMap((s) => stepPolicies(s.policies, lab.namespace)).map((ref) => [policyId(ref), ref])).values()];
  return {
    id: lab.id,
    title: lab.title,
    namespaces: lab.namespaces,
    owner: {managedBy: [MANAGED_BY_LABEL, MANAGED_BY_VALUE], lab: [LAB_LABEL, lab.id]},
    // kind -> resource, to name what `listPolicies` returns as the delete commands are keyed.
    resources: POLICY_RESOURCES,
    namespaceChecks: namespaceCommands(kubectl, lab).map(({namespace, command}) => ({namespace, command: data(command)})),
    removePolicies: removePoliciesCommands(kubectl, lab).map(data),
    listPolicies: listPoliciesCommands(kubectl, lab).map(data),
    applyApp: data(applyAppCommand(kubectl, lab)),
    appReady: appReadyCommands(kubectl, lab).map(data),
    // The outside client and the servers behind `names`, on the kind network; the runner's containers
    // of any lab are removed first (one lab's machines at a time, as `netpol-labs run` does).
    containers: labContainers(lab).map((c) => ({name: c.name, role: c.role, ip: c.ip, aliases: c.aliases, run: data(runContainerCommand(lab, c))})),
    listContainers: data(listContainersCommand()),
    removeContainers: data(removeContainersCommand([])),
    // Every policy of the lab by namespace/resource/name; a step deletes those in force it does not keep.
    deletes: Object.fromEntries(everyPolicy.map((ref) => [policyId(ref), data(deletePolicyCommand(kubectl, ref))])),
    // Policy audit mode per endpoint (audit-mode.ts), for steps with policyAuditMode: the runner's
    // commands, with POD, AGENT_POD and ENDPOINT_ID for the script to fill in from what it reads.
    audit: {
      listAgents: data(agentNodesCommand(kubectl)),
      namespaces: lab.namespaces.map((namespace) => ({namespace, listPods: data(labPodsCommand(kubectl, namespace)), endpointId: data(endpointIdCommand(kubectl, namespace, 'POD'))})),
      on: data(endpointAuditCommand(kubectl, 'AGENT_POD', 'ENDPOINT_ID', true)),
      off: data(endpointAuditCommand(kubectl, 'AGENT_POD', 'ENDPOINT_ID', false)),
    },
    steps: lab.steps.map((step) => {
      const apply = applyPoliciesCommand(kubectl, lab, step);
      return {
        id: step.id,
        title: step.title,
        ...(step.policyAuditMode ? {policyAuditMode: true} : {}),
        keep: stepPolicies(step.policies, lab.namespace).map(policyId),
        ownerChecks: clusterScopedPolicies(lab, step).map((ref) => ({name: `${ref.kind} ${ref.name}`, command: data(ownerCheckCommand(kubectl, ref))})),
        ...(apply ? {apply: data(apply)} : {}),
        probes: step.probes.map((probe) => ({
          name: `${probe.from} ${probe.label}`,
          kind: probe.kind,
          expect: probe.expect,
          ...(probe.body ? {body: probe.body} : {}),
          why: probe.why,
          ...probeCommandData(kubectl, lab, probe),
          // A request that crashes the app when it gets through: sent last, then the app is waited for.
          ...(probe.destructive ? {destructive: true, recover: recoveryCommands(kubectl, lab, probe).map(data)} : {}),
        })),
      };
    }),
  };
}

/**
 * How the script sends a probe: a pod's `kubectl exec`, or the outside client's `docker exec`. To a
 * Service from outside, the command goes to the node port of a node with a ready endpoint, which
 * the script reads before the step (`route`: the three reads of nodePortCommands and the port);
 * the command holds NODE_IP and NODE_PORT there, as a plan shows it, for the script to fill in.
 */
function probeCommandData(kubectl: Kubectl, lab: Lab, probe: Probe) {
  if (probe.source.kind !== 'outside') return {command: data(probeCommand(kubectl, lab, probe))};
  if (probe.target.service === undefined) return {command: data(outsideProbeCommand(lab, probe))};
  return {
    command: data(plannedOutsideProbeCommand(lab, probe)),
    route: {
      key: `${probe.target.namespace}/${probe.target.service}:${probe.target.port}`,
      port: probe.target.port!,
      reads: nodePortCommands(kubectl, probe.target.service, probe.target.namespace!).map(data),
    },
  };
}

/** The lines around the compiled classifier, so a test can take it out of a script and compare. */
export const CLASSIFY_BEGIN = '// begin: classify() of src/runner/probe.ts';
export const CLASSIFY_END = '// end: classify() of src/runner/probe.ts';

/**
 * The classifier of src/runner/probe.ts and the node-port reader of src/runner/node-port.ts,
 * compiled to plain JavaScript with what they use.
 */
async function classifierSource(root: string): Promise<string> {
  const result = await build({
    stdin: {contents: "export {classify} from './probe';\nexport {parseNodePortRoute} from './node-port';", resolveDir: join(root, 'src/runner'), loader: 'ts', sourcefile: 'classify-entry.ts'},
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  // The script calls classify() directly: the module's export line goes.
  return result.outputFiles[0].text.replace(/^export \{[^}]*\};\s*$/m, '').trim();
}

/**
 * A value as a JavaScript literal for a reader: objects one key a line, a list of plain values
 * (a command's arguments) on one line.
 */
function literal(value: unknown, indent = ''): string {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return JSON.stringify(value).replace(/","/g, '", "');
  const inner = `${indent}  `;
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[\n${value.map((v) => `${inner}${literal(v, inner)}`).join(',\n')}\n${indent}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{\n${entries.map(([k, v]) => `${inner}${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The zx script for a lab; `root` is the repository root (where src/ and labs/ are). */
export async function zxScript(lab: Lab, root: string): Promise<string> {
  const unsupported = unsupportedOnCluster(lab, 'export');
  if (unsupported) throw new Error(unsupported);
  const template = readFileSync(join(root, 'src/runner/zx-template.mjs'), 'utf8');
  const header = `${lab.title}: generated by \`netpol-labs export ${lab.id} --zx\` from labs/${lab.id}/; regenerate it rather than edit it.`;
  return template
    .replace('// @@HEADER@@', `// ${header}`)
    .replace('/* @@SETUP@@ */ null', () => literal(setupData(lab)))
    .replace('/* @@LAB@@ */ null', () => literal(labData(lab)))
    .replace('// @@CLASSIFY@@', `${CLASSIFY_BEGIN}\n${await classifierSource(root)}\n${CLASSIFY_END}`);
}
