/**
 * `netpol-labs export LAB --zx`: a standalone zx script that plays a lab on a local kind cluster
 * with Cilium, as `netpol-labs run LAB --target kind` does, for instructors who want one readable
 * file (https://google.github.io/zx/). The script is src/runner/zx-template.mjs with three parts
 * filled in at generation: the cluster setup and the lab as data (the runner's own commands, from
 * cluster.ts and lab-commands.ts), and the probe classification compiled from probe.ts. So the
 * script and the runner send the same commands and classify the same output the same way.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {build} from 'esbuild';
import type {Lab} from '../lab/load';
import {ciliumInstallCommands} from './cilium-install';
import {unsupportedOnCluster} from './cluster-support';
import {agentPresentCommand, kindConfig, kindCreateCommand, nodesReadyCommand, workloadReadyCommand} from './cluster';
import {CILIUM_VERSION, CLUSTER_NAME, CONVERGE_CONSECUTIVE, CONVERGE_DEADLINE_MS, KIND_CONTEXT, LAB_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, POLICY_RESOURCES, TIMEOUTS} from './constants';
import type {Command} from './exec';
import {Kubectl} from './kubectl';
import {
  applyAppCommand, applyPoliciesCommand, appReadyCommands, clusterScopedPolicies, deletePolicyCommand, listPoliciesCommands,
  namespaceCommands, ownerCheckCommand, probeCommand, recoveryCommands, removePoliciesCommands,
} from './lab-commands';
import {policyId, stepPolicies} from './objects';

/** How often the script repeats the harmless probes while a step's policies take effect (as the runner). */
const POLL_INTERVAL_MS = 2_000;

/** A command as the script runs it: only what it needs (labels for plans are the runner's). */
function data(command: Command): Pick<Command, 'file' | 'args' | 'timeoutMs' | 'input'> {
  return {file: command.file, args: command.args, timeoutMs: command.timeoutMs, ...(command.input !== undefined ? {input: command.input} : {})};
}

/** The cluster's part of the script: create it, install Cilium with either installer, wait for it. */
function setupData() {
  const kubectl = new Kubectl(KIND_CONTEXT);
  return {
    cluster: CLUSTER_NAME,
    context: KIND_CONTEXT,
    ciliumVersion: CILIUM_VERSION,
    // One worker, as `netpol-labs up` makes by default; the config goes to kind on stdin. data()
    // drops the command's KIND_EXPERIMENTAL_DOCKER_NETWORK: the script creates no machines outside the
    // cluster (labs that need them are refused), so its nodes stay on kind's default network, where
    // kind picks the subnet; `netpol-labs up` tells such a cluster apart and does not reuse it.
    createCluster: data(kindCreateCommand('-', kindConfig(1))),
    listClusters: data({file: 'kind', args: ['get', 'clusters'], timeoutMs: TIMEOUTS.quick}),
    agentPresent: data(agentPresentCommand(kubectl)),
    install: {cilium: ciliumInstallCommands('cilium-cli', CILIUM_VERSION).map(data), helm: ciliumInstallCommands('helm', CILIUM_VERSION).map(data)},
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
    // Every policy of the lab by namespace/resource/name; a step deletes those in force it does not keep.
    deletes: Object.fromEntries(everyPolicy.map((ref) => [policyId(ref), data(deletePolicyCommand(kubectl, ref))])),
    steps: lab.steps.map((step) => {
      const apply = applyPoliciesCommand(kubectl, lab, step);
      return {
        id: step.id,
        title: step.title,
        keep: stepPolicies(step.policies, lab.namespace).map(policyId),
        ownerChecks: clusterScopedPolicies(lab, step).map((ref) => ({name: `${ref.kind} ${ref.name}`, command: data(ownerCheckCommand(kubectl, ref))})),
        ...(apply ? {apply: data(apply)} : {}),
        probes: step.probes.map((probe) => ({
          name: `${probe.from} ${probe.label}`,
          kind: probe.kind,
          expect: probe.expect,
          ...(probe.body ? {body: probe.body} : {}),
          why: probe.why,
          command: data(probeCommand(kubectl, lab, probe)),
          // A request that crashes the app when it gets through: sent last, then the app is waited for.
          ...(probe.destructive ? {destructive: true, recover: recoveryCommands(kubectl, lab, probe).map(data)} : {}),
        })),
      };
    }),
  };
}

/** The lines around the compiled classifier, so a test can take it out of a script and compare. */
export const CLASSIFY_BEGIN = '// begin: classify() of src/runner/probe.ts';
export const CLASSIFY_END = '// end: classify() of src/runner/probe.ts';

/** The classifier of src/runner/probe.ts, compiled to plain JavaScript with what it uses. */
async function classifierSource(root: string): Promise<string> {
  const result = await build({
    stdin: {contents: "export {classify} from './probe';", resolveDir: join(root, 'src/runner'), loader: 'ts', sourcefile: 'classify-entry.ts'},
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
    .replace('/* @@SETUP@@ */ null', () => literal(setupData()))
    .replace('/* @@LAB@@ */ null', () => literal(labData(lab)))
    .replace('// @@CLASSIFY@@', `${CLASSIFY_BEGIN}\n${await classifierSource(root)}\n${CLASSIFY_END}`);
}
