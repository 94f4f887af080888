/**
 * The kubectl commands that play a lab on a cluster, built in one place: the runner
 * (cluster-lab.ts) sends them, and the standalone zx scripts (zx-script.ts) carry them as data,
 * so a script and `netpol-labs run LAB --target kind` send the same commands.
 */
import {stringify} from 'yaml';
import type {Lab, Probe, Step} from '../lab/load';
import type {KubeObject} from '../lab/manifests';
import {POLICY_RESOURCES, TIMEOUTS} from './constants';
import type {Command} from './exec';
import type {Kubectl} from './kubectl';
import {CLUSTER_SCOPED, labelled, manifestStream, namespaceObjects, ownerSelector, policyKey, stepPolicies, type PolicyRef} from './objects';
import {probeInvocation} from './probe';
import {absoluteRequest} from '../lab/probe-request';

/** Every policy resource the runner manages, as one kubectl resource list. */
export const POLICY_LIST = [POLICY_RESOURCES.NetworkPolicy, POLICY_RESOURCES.CiliumNetworkPolicy, POLICY_RESOURCES.CiliumClusterwideNetworkPolicy].join(',');

/** `kubectl get namespace NS` for each of the lab's namespaces: does it exist, and whose is it? */
export function namespaceCommands(kubectl: Kubectl, lab: Lab): {namespace: string; command: Command}[] {
  return lab.namespaces.map((namespace) => ({
    namespace,
    command: kubectl.command(['get', 'namespace', namespace, '--ignore-not-found', '--output', 'json'], {timeoutMs: TIMEOUTS.quick}),
  }));
}

/**
 * Deletes the policies the runner created for this lab (and only those: by its owner labels), one
 * command per namespace of the lab, so nothing outside them is ever touched. The first also takes
 * the lab's cluster-wide policies (kubectl ignores --namespace for those).
 */
export function removePoliciesCommands(kubectl: Kubectl, lab: Lab, timeoutMs?: number): Command[] {
  return lab.namespaces.map((namespace) => kubectl.command(['delete', POLICY_LIST, '--namespace', namespace, '--selector', ownerSelector(lab.id), '--ignore-not-found'], {timeoutMs}));
}

/** Lists the policies the runner created for this lab, one command per namespace (cluster-wide ones appear in each). */
export function listPoliciesCommands(kubectl: Kubectl, lab: Lab): Command[] {
  return lab.namespaces.map((namespace) => kubectl.command(['get', POLICY_LIST, '--namespace', namespace, '--selector', ownerSelector(lab.id), '--output', 'json']));
}

/** Applies the app, namespaces first, every object labelled as the lab's own. */
export function applyAppCommand(kubectl: Kubectl, lab: Lab): Command {
  const namespaces = namespaceObjects(lab).map((ns) => stringify(labelled(ns, lab.id, lab.namespace)));
  const stream = [...namespaces, manifestStream(lab.app, lab.id, lab.namespace)].filter(Boolean).join('---\n');
  return kubectl.command(['apply', '--filename', '-'], {input: stream, inputLabel: `${lab.app.map((m) => m.file).join(' ')} (labelled ${ownerSelector(lab.id)})`});
}

/** Waits for the app's Deployments to roll out and its Pods to be Ready. */
export function appReadyCommands(kubectl: Kubectl, lab: Lab): Command[] {
  return lab.app.flatMap((m) => m.objects).flatMap(({object}) => {
    if (object.kind === 'Deployment') {
      return [kubectl.command(['rollout', 'status', `deployment/${object.metadata.name}`, '--namespace', object.metadata.namespace ?? lab.namespace, '--timeout=300s'], {timeoutMs: TIMEOUTS.appReady})];
    }
    if (object.kind === 'Pod') {
      return [kubectl.command(['wait', '--for=condition=Ready', `pod/${object.metadata.name}`, '--namespace', object.metadata.namespace ?? lab.namespace, '--timeout=300s'], {timeoutMs: TIMEOUTS.appReady})];
    }
    return [];
  });
}

/** Applies a step's policies (labelled); undefined for a step without any. */
export function applyPoliciesCommand(kubectl: Kubectl, lab: Lab, step: Step): Command | undefined {
  if (step.policies.length === 0) return undefined;
  return kubectl.command(['apply', '--filename', '-'], {
    input: manifestStream(step.policies, lab.id, lab.namespace),
    inputLabel: `${step.policies.map((m) => m.file).join(' ')} (labelled ${ownerSelector(lab.id)})`,
  });
}

/** The cluster-scoped policies of a step, which must be checked for an owner before applying. */
export function clusterScopedPolicies(lab: Lab, step: Step): PolicyRef[] {
  return stepPolicies(step.policies, lab.namespace).filter((ref) => CLUSTER_SCOPED.has(ref.kind));
}

/** `kubectl get KIND/NAME`: does this (cluster-scoped) policy exist, and whose is it? */
export function ownerCheckCommand(kubectl: Kubectl, ref: PolicyRef): Command {
  return kubectl.command(['get', policyKey(ref), '--ignore-not-found', '--output', 'json'], {timeoutMs: TIMEOUTS.quick});
}

/** Deletes one policy of the lab. */
export function deletePolicyCommand(kubectl: Kubectl, ref: PolicyRef): Command {
  const scope = ref.namespace === undefined ? [] : ['--namespace', ref.namespace];
  return kubectl.command(['delete', policyKey(ref), ...scope, '--ignore-not-found']);
}

/**
 * The command that runs one probe in its client pod: `kubectl --context C exec -n NS POD -- TOOL ...`,
 * the tool's argv from probe.ts, every name absolute (see absoluteRequest). A probe whose tool
 * reads stdin (a gRPC call's message) gets `kubectl exec -i` and the input.
 */
export function probeCommand(kubectl: Kubectl, lab: Lab, probe: Probe): Command {
  const source = probe.source;
  if (source.kind !== 'pod') throw new Error(`a probe from ${source.kind} runs outside the cluster, not with kubectl exec`);
  const {argv, input} = probeInvocation(absoluteRequest(probe.request, source.namespace, lab.namespaces));
  // A Deployment: kubectl exec picks one of its pods.
  const target = source.workload === 'Deployment' ? `deployment/${source.name}` : source.name;
  const stdin = input !== undefined ? ['--stdin'] : [];
  return kubectl.command(['exec', '--namespace', source.namespace, ...stdin, target, '--', ...argv], {
    timeoutMs: TIMEOUTS.probe,
    ...(input !== undefined ? {input, inputLabel: `${probe.kind} request (${input.length} bytes)`} : {}),
  });
}

/** Deployments whose pods back the Service a probe targets (to wait for them after a crash). */
function backingDeployments(lab: Lab, probe: Probe): KubeObject[] {
  const namespace = probe.target.namespace;
  const inNamespace = lab.app.flatMap((m) => m.objects.map((o) => o.object)).filter((o) => (o.metadata.namespace ?? lab.namespace) === namespace);
  const service = inNamespace.find((o) => o.kind === 'Service' && o.metadata.name === probe.target.service);
  const selector = (service?.spec as {selector?: Record<string, string>} | undefined)?.selector ?? {};
  return inNamespace.filter((o) => {
    if (o.kind !== 'Deployment') return false;
    const labels = (o.spec as {template?: {metadata?: {labels?: Record<string, string>}}}).template?.metadata?.labels ?? {};
    return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  });
}

/** Waits until the Deployments behind a probe's Service are Ready again (after a request crashed them). */
export function recoveryCommands(kubectl: Kubectl, lab: Lab, probe: Probe): Command[] {
  return backingDeployments(lab, probe).flatMap((d) => {
    const selector = Object.entries((d.spec as {selector?: {matchLabels?: Record<string, string>}}).selector?.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return [
      kubectl.command(['rollout', 'status', `deployment/${d.metadata.name}`, '--namespace', probe.target.namespace!, '--timeout=180s'], {timeoutMs: 200_000}),
      ...(selector ? [kubectl.command(['wait', '--for=condition=Ready', 'pod', '--selector', selector, '--namespace', probe.target.namespace!, '--timeout=180s'], {timeoutMs: 200_000})] : []),
    ];
  });
}
