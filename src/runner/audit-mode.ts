import type {Lab} from '../lab/load';
import {agentExec} from './agents';
import {TIMEOUTS} from './constants';
import {describeFailure, succeeded, type Command, type Executor} from './exec';
import type {Kubectl} from './kubectl';
import type {Output} from './output';

/**
 * A lab step with `policyAuditMode: true`, on the runner's kind cluster: the lab's pods are put in
 * Cilium's policy audit mode one endpoint at a time, as "Enable Policy Audit Mode (Specific
 * Endpoint)" in Documentation/security/policy-creation.rst (cilium/cilium) does it: find the pod's
 * endpoint id (its CiliumEndpoint, named like the pod, `.status.id`), find the Cilium agent on the
 * pod's node, and run `cilium-dbg endpoint config ID PolicyAuditMode=Enabled` in it; `Disabled`
 * undoes it. The setting belongs to the endpoint, not to a policy, and lasts until it is changed or
 * the agent restarts, so the runner switches it off again before the next step, at the end of the
 * run, after a failure and after Ctrl-C. It never does this on a cluster it did not create
 * (cluster-support.ts refuses such a step for `--target context`). What audit mode does to L7 rules
 * (they still apply to what reaches the proxy) is explained in src/policy/evaluate.ts auditedDrops.
 */

/** The endpoint option, as `cilium-dbg endpoint config` names it. */
export const AUDIT_OPTION = 'PolicyAuditMode';

/** A pod of the lab that is a Cilium endpoint of its own, and the node it runs on. */
export interface AuditTarget {
  namespace: string;
  pod: string;
  node: string;
}

/**
 * The pods of one lab namespace: name, node and hostNetwork, one per line. A hostNetwork pod is
 * no endpoint of its own (it is the node's host endpoint), so it is left out of audit mode.
 */
export function labPodsCommand(kubectl: Kubectl, namespace: string): Command {
  return kubectl.command(
    ['get', 'pods', '--namespace', namespace, '--output', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\t"}{.spec.hostNetwork}{"\\n"}{end}'],
    {timeoutMs: TIMEOUTS.quick},
  );
}

/** The Cilium agent pods and their nodes, one per line. */
export function agentNodesCommand(kubectl: Kubectl): Command {
  return kubectl.command(
    ['get', 'pods', '--namespace', 'kube-system', '--selector', 'k8s-app=cilium', '--output', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\n"}{end}'],
    {timeoutMs: TIMEOUTS.quick},
  );
}

/** A pod's Cilium endpoint id: its CiliumEndpoint (same name, same namespace) `.status.id`. */
export function endpointIdCommand(kubectl: Kubectl, namespace: string, pod: string): Command {
  return kubectl.command(['get', 'ciliumendpoint', '--namespace', namespace, pod, '--output', 'jsonpath={.status.id}'], {timeoutMs: TIMEOUTS.quick});
}

/** `cilium-dbg endpoint config ID PolicyAuditMode=Enabled|Disabled`, in the agent that manages the endpoint. */
export function endpointAuditCommand(kubectl: Kubectl, agentPod: string, endpointId: string, enabled: boolean): Command {
  return agentExec(kubectl, agentPod, ['cilium-dbg', 'endpoint', 'config', endpointId, `${AUDIT_OPTION}=${enabled ? 'Enabled' : 'Disabled'}`]);
}

/** Reads `name<TAB>node[<TAB>hostNetwork]` lines. */
function rows(stdout: string): string[][] {
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => l.split('\t'));
}

/** The ids of the lab's steps (all of them, or only `stepId`) that ask for policy audit mode. */
export function auditSteps(lab: Lab, stepId?: string): string[] {
  return lab.steps.filter((s) => s.policyAuditMode === true && (stepId === undefined || s.id === stepId)).map((s) => s.id);
}

/** True when a step of the lab (all of them, or only `stepId`) asks for policy audit mode. */
export function usesAuditMode(lab: Lab, stepId?: string): boolean {
  return auditSteps(lab, stepId).length > 0;
}

/**
 * Switches policy audit mode on or off for every endpoint pod of the lab. On: the first failure
 * throws (the caller then switches off what it could and reports the step as failed). Off: best
 * effort, every pod is tried; returns what failed, so the caller can say what to run by hand.
 * A dry run prints the commands with placeholders for the pod, its endpoint id and its agent.
 */
export async function setLabAuditMode(executor: Executor, kubectl: Kubectl, lab: Lab, enabled: boolean, out: Output): Promise<string[]> {
  const failures: string[] = [];
  const fail = (message: string) => {
    if (enabled) throw new Error(message);
    failures.push(message);
  };
  const state = enabled ? 'Enabled' : 'Disabled';
  out.line(`# ${lab.id}: policy audit mode ${enabled ? 'on' : 'off'} for the lab's pods, one endpoint at a time (cilium-dbg endpoint config ID ${AUDIT_OPTION}=${state})`);
  const listAgents = agentNodesCommand(kubectl);
  const agents = await executor.run(listAgents);
  if (!executor.dryRun && !succeeded(agents)) {
    fail(`could not list the Cilium agents: ${describeFailure(listAgents, agents)}`);
    return failures;
  }
  const agentOn = new Map(rows(agents.stdout).map(([pod, node]) => [node, pod]));
  for (const namespace of lab.namespaces) {
    const listPods = labPodsCommand(kubectl, namespace);
    const listed = await executor.run(listPods);
    if (executor.dryRun) {
      out.line(`# for each pod of ${namespace} that is not hostNetwork: its endpoint id, then the agent on its node sets ${AUDIT_OPTION}=${state}`);
      await executor.run(endpointIdCommand(kubectl, namespace, 'POD'));
      await executor.run(endpointAuditCommand(kubectl, 'CILIUM_AGENT_ON_POD_NODE', 'ENDPOINT_ID', enabled));
      continue;
    }
    if (!succeeded(listed)) {
      fail(`could not list the pods of ${namespace}: ${describeFailure(listPods, listed)}`);
      continue;
    }
    const targets: AuditTarget[] = rows(listed.stdout).filter(([, , host]) => host !== 'true').map(([pod, node]) => ({namespace, pod, node}));
    for (const target of targets) {
      const problem = await setOne(executor, kubectl, target, agentOn.get(target.node), enabled);
      if (problem) fail(problem);
    }
  }
  return failures;
}

/** One pod: its endpoint id, then the option in the agent on its node; a message when it failed. */
async function setOne(executor: Executor, kubectl: Kubectl, target: AuditTarget, agent: string | undefined, enabled: boolean): Promise<string | undefined> {
  const who = `${target.namespace}/${target.pod}`;
  if (!agent) return `no Cilium agent runs on node ${target.node} of pod ${who}, so its endpoint cannot be configured`;
  const idCommand = endpointIdCommand(kubectl, target.namespace, target.pod);
  const id = await executor.run(idCommand);
  const endpointId = id.stdout.trim();
  if (!succeeded(id) || !/^\d+$/.test(endpointId)) {
    return `pod ${who} has no Cilium endpoint id (CiliumEndpoint ${target.pod} .status.id): ${succeeded(id) ? `got "${endpointId}"` : describeFailure(idCommand, id)}`;
  }
  const configure = endpointAuditCommand(kubectl, agent, endpointId, enabled);
  const r = await executor.run(configure);
  return succeeded(r) ? undefined : `could not set ${AUDIT_OPTION} on endpoint ${endpointId} (pod ${who}): ${describeFailure(configure, r)}`;
}
