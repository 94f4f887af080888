import {TIMEOUTS} from './constants';
import {succeeded, type Executor} from './exec';
import type {Kubectl} from './kubectl';

/**
 * The Cilium agents, reached with `kubectl exec` into the cilium-agent container of each agent pod
 * in kube-system. Only on the runner's own kind cluster, or on a named context with --hubble: on
 * any other cluster the runner stays in the lab's namespace.
 */

/** The agent pods' names, or why they could not be listed. A dry run plans with a placeholder. */
export async function ciliumAgentPods(executor: Executor, kubectl: Kubectl): Promise<{pods: string[]; error?: string}> {
  const r = await executor.run(
    kubectl.command(['get', 'pods', '--namespace', 'kube-system', '--selector', 'k8s-app=cilium', '--output', 'jsonpath={.items[*].metadata.name}'], {
      timeoutMs: TIMEOUTS.quick,
    }),
  );
  if (executor.dryRun) return {pods: ['CILIUM_AGENT_POD']};
  if (!succeeded(r)) return {pods: [], error: `could not list Cilium agents: ${r.stderr.trim() || `exit ${r.exitCode}`}`};
  return {pods: r.stdout.split(/\s+/).filter(Boolean)};
}

/** A command run in one agent's cilium-agent container. */
export function agentExec(kubectl: Kubectl, pod: string, args: string[], timeoutMs: number = TIMEOUTS.quick) {
  return kubectl.command(['exec', '--namespace', 'kube-system', pod, '--container', 'cilium-agent', '--', ...args], {timeoutMs});
}

/** How long one agent may take to realise a new policy revision (cilium-cli's connectivity tests allow 30 s). */
export const REVISION_WAIT_S = 30;

/** Each agent's current policy revision, or why it could not be read. */
export type Revisions = {ok: true; byPod: Map<string, number>} | {ok: false; error: string};

/**
 * Reads each agent's policy revision: the number the agent bumps whenever its policy repository
 * changes. The same call cilium-cli's connectivity tests make before applying a policy
 * (getCiliumPolicyRevision: `cilium-dbg policy get -o jsonpath='{.revision}'`, whose output keeps
 * the quotes, hence the trim).
 */
export async function readRevisions(executor: Executor, kubectl: Kubectl): Promise<Revisions> {
  const {pods, error} = await ciliumAgentPods(executor, kubectl);
  if (error) return {ok: false, error};
  if (pods.length === 0) return {ok: false, error: 'no Cilium agent pods (k8s-app=cilium) in kube-system'};
  const byPod = new Map<string, number>();
  for (const pod of pods) {
    const r = await executor.run(agentExec(kubectl, pod, ['cilium-dbg', 'policy', 'get', '-o', "jsonpath='{.revision}'"]));
    if (executor.dryRun) {
      byPod.set(pod, 0);
      continue;
    }
    const revision = Number.parseInt(r.stdout.replace(/['\s]/g, ''), 10);
    if (!succeeded(r) || Number.isNaN(revision)) {
      return {ok: false, error: `could not read the policy revision of ${pod}: ${(r.stderr.trim() || r.stdout.trim()).split('\n').pop() || `exit ${r.exitCode}`}`};
    }
    byPod.set(pod, revision);
  }
  return {ok: true, byPod};
}

/**
 * Waits until every agent's endpoints have realised a revision newer than the one read before the
 * change (`cilium-dbg policy wait REV`: "Wait for all endpoints to have updated to a given policy
 * revision", Documentation/cmdref/cilium-dbg_policy_wait.md). That covers the lab's endpoints on
 * every node. Returns a sentence for the report either way.
 */
export async function waitForRevisions(executor: Executor, kubectl: Kubectl, before: Map<string, number>): Promise<{realised: boolean; detail: string}> {
  const reached: string[] = [];
  for (const [pod, revision] of before) {
    const target = executor.dryRun ? 'REVISION+1' : String(revision + 1);
    const r = await executor.run(agentExec(kubectl, pod, ['cilium-dbg', 'policy', 'wait', target, '--max-wait-time', String(REVISION_WAIT_S)], (REVISION_WAIT_S + 15) * 1000));
    if (executor.dryRun) continue;
    if (!succeeded(r)) {
      const why = (r.stderr.trim() || r.stdout.trim()).split('\n').pop() || (r.timedOut ? 'timed out' : `exit ${r.exitCode}`);
      return {realised: false, detail: `Cilium agent ${pod} did not realise policy revision ${target} within ${REVISION_WAIT_S} s (${why})`};
    }
    reached.push(`${pod} >= ${target}`);
  }
  return {realised: true, detail: `policy revision realised by every Cilium agent's endpoints (${reached.join(', ') || 'planned'})`};
}
