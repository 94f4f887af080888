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
import {labelled, manifestStream, namespaceObject, ownerSelector, policyKey, stepPolicies, type PolicyRef} from './objects';
import {curlArgs} from './probe';

/** Every policy resource the runner manages, as one kubectl resource list. */
export const POLICY_LIST = [POLICY_RESOURCES.NetworkPolicy, POLICY_RESOURCES.CiliumNetworkPolicy, POLICY_RESOURCES.CiliumClusterwideNetworkPolicy].join(',');

/** `kubectl get namespace NS`: does the lab namespace exist, and whose is it? */
export function namespaceCommand(kubectl: Kubectl, lab: Lab): Command {
  return kubectl.command(['get', 'namespace', lab.namespace, '--ignore-not-found', '--output', 'json'], {timeoutMs: TIMEOUTS.quick});
}

/** Deletes the policies the runner created for this lab (and only those: by its owner labels). */
export function removePoliciesCommand(kubectl: Kubectl, lab: Lab, timeoutMs?: number): Command {
  return kubectl.command(['delete', POLICY_LIST, '--namespace', lab.namespace, '--selector', ownerSelector(lab.id), '--ignore-not-found'], {timeoutMs});
}

/** Lists the policies the runner created for this lab. */
export function listPoliciesCommand(kubectl: Kubectl, lab: Lab): Command {
  return kubectl.command(['get', POLICY_LIST, '--namespace', lab.namespace, '--selector', ownerSelector(lab.id), '--output', 'json']);
}

/** Applies the app, namespace first, every object labelled as the lab's own. */
export function applyAppCommand(kubectl: Kubectl, lab: Lab): Command {
  const ns = namespaceObject(lab);
  const stream = [ns ? stringify(labelled(ns, lab.id, lab.namespace)) : '', manifestStream(lab.app, lab.id, lab.namespace)].filter(Boolean).join('---\n');
  return kubectl.command(['apply', '--filename', '-'], {input: stream, inputLabel: `${lab.app.map((m) => m.file).join(' ')} (labelled ${ownerSelector(lab.id)})`});
}

/** Waits for the app's Deployments to roll out and its Pods to be Ready. */
export function appReadyCommands(kubectl: Kubectl, lab: Lab): Command[] {
  return lab.app.flatMap((m) => m.objects).flatMap(({object}) => {
    if (object.kind === 'Deployment') {
      return [kubectl.command(['rollout', 'status', `deployment/${object.metadata.name}`, '--namespace', lab.namespace, '--timeout=300s'], {timeoutMs: TIMEOUTS.appReady})];
    }
    if (object.kind === 'Pod') {
      return [kubectl.command(['wait', '--for=condition=Ready', `pod/${object.metadata.name}`, '--namespace', lab.namespace, '--timeout=300s'], {timeoutMs: TIMEOUTS.appReady})];
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

/** Policy kinds that live outside any namespace: one of the same name may belong to anyone. */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set(['CiliumClusterwideNetworkPolicy']);

/** The cluster-scoped policies of a step, which must be checked for an owner before applying. */
export function clusterScopedPolicies(step: Step): PolicyRef[] {
  return stepPolicies(step.policies).filter((ref) => CLUSTER_SCOPED.has(ref.kind));
}

/** `kubectl get KIND/NAME`: does this (cluster-scoped) policy exist, and whose is it? */
export function ownerCheckCommand(kubectl: Kubectl, ref: PolicyRef): Command {
  return kubectl.command(['get', policyKey(ref), '--ignore-not-found', '--output', 'json'], {timeoutMs: TIMEOUTS.quick});
}

/** Deletes one policy of the lab. */
export function deletePolicyCommand(kubectl: Kubectl, lab: Lab, ref: PolicyRef): Command {
  const scope = CLUSTER_SCOPED.has(ref.kind) ? [] : ['--namespace', lab.namespace];
  return kubectl.command(['delete', policyKey(ref), ...scope, '--ignore-not-found']);
}

/** The object a probe's `from` names: a Pod, or a Deployment (kubectl exec picks one of its pods). */
function execTarget(lab: Lab, from: string): string {
  const object = lab.app.flatMap((m) => m.objects).find(({object: o}) => o.metadata.name === from && (o.kind === 'Pod' || o.kind === 'Deployment'));
  return object?.object.kind === 'Deployment' ? `deployment/${from}` : from;
}

/** The command that runs one probe: `kubectl --context C exec -n NS POD -- curl ...`. */
export function probeCommand(kubectl: Kubectl, lab: Lab, probe: Probe): Command {
  if (probe.request.kind !== 'http') throw new Error(`the runner cannot send ${probe.request.kind} probes yet`);
  return kubectl.command(['exec', '--namespace', lab.namespace, execTarget(lab, probe.from), '--', 'curl', ...curlArgs({method: probe.request.method, url: probe.request.url})], {
    timeoutMs: TIMEOUTS.probe,
  });
}

/** Deployments whose pods back the Service a probe targets (to wait for them after a crash). */
function backingDeployments(lab: Lab, probe: Probe): KubeObject[] {
  const objects = lab.app.flatMap((m) => m.objects.map((o) => o.object));
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === probe.target.service);
  const selector = (service?.spec as {selector?: Record<string, string>} | undefined)?.selector ?? {};
  return objects.filter((o) => {
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
      kubectl.command(['rollout', 'status', `deployment/${d.metadata.name}`, '--namespace', lab.namespace, '--timeout=180s'], {timeoutMs: 200_000}),
      ...(selector ? [kubectl.command(['wait', '--for=condition=Ready', 'pod', '--selector', selector, '--namespace', lab.namespace, '--timeout=180s'], {timeoutMs: 200_000})] : []),
    ];
  });
}
