import type {Observed} from '../lab/outcome';
import {agentExec, ciliumAgentPods} from './agents';
import {succeeded, type Executor} from './exec';
import type {Kubectl} from './kubectl';

/**
 * Hubble flows as evidence. The cilium-agent container ships the `hubble` CLI, which reads the
 * node's flow buffer; asking every agent covers probes whose backend runs on any node, without a
 * port-forward to hubble-relay. Best effort: when it fails the run says so once and goes on.
 */

/** The fields of a Hubble flow the runner uses (hubble observe -o json, one object per line). */
export interface Flow {
  time?: string;
  verdict?: string;
  drop_reason_desc?: string;
  Summary?: string;
  source?: {namespace?: string; pod_name?: string};
  destination?: {namespace?: string; pod_name?: string};
  l4?: {TCP?: {destination_port?: number; flags?: Record<string, boolean>}};
  l7?: {type?: string; http?: {method?: string; url?: string; code?: number}};
}

/** Parses `hubble observe -o json` output; lines that are not flows are ignored. */
export function parseFlows(output: string): Flow[] {
  const flows: Flow[] = [];
  for (const line of output.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const value = JSON.parse(line);
      const flow = (value.flow ?? value) as Flow;
      if (flow.verdict) flows.push(flow);
    } catch {
      // a truncated line: skip it
    }
  }
  return flows;
}

/** One line per flow, the way `hubble observe` prints them. */
export function formatFlow(f: Flow): string {
  const src = `${f.source?.namespace ?? '?'}/${f.source?.pod_name ?? '?'}`;
  const dst = `${f.destination?.namespace ?? '?'}/${f.destination?.pod_name ?? '?'}`;
  const what = f.l7?.http
    ? `http-${(f.l7.type ?? 'request').toLowerCase()} ${f.verdict} (HTTP ${f.l7.http.method ?? ''} ${f.l7.http.url ?? ''})`
    : `${f.verdict}${f.drop_reason_desc ? ` ${f.drop_reason_desc}` : ''}${f.l4?.TCP?.flags ? ` (TCP Flags: ${Object.keys(f.l4.TCP.flags).join(', ')})` : ''}`;
  return `${f.time ?? ''} ${src} -> ${dst} ${what}`.trim();
}

/**
 * The flows that show a probe's verdict: drops from its client (a Pod, or a Deployment's pods) for
 * `dropped`, L7 drops for `l7-denied`.
 */
export function flowsForProbe(flows: Flow[], client: {namespace: string; name: string}, method: string, observed: Observed): string[] {
  const {namespace, name} = client;
  const fromPod = (f: Flow) => f.source?.namespace === namespace && (f.source?.pod_name === name || (f.source?.pod_name ?? '').startsWith(`${name}-`));
  const picked = flows.filter((f) => {
    if (!fromPod(f)) return false;
    if (observed === 'dropped') return f.verdict === 'DROPPED' && !f.l7;
    if (observed === 'l7-denied') return f.verdict === 'DROPPED' && f.l7?.http?.method === method;
    return false;
  });
  return picked.slice(-3).map(formatFlow);
}

/**
 * The flows that show policy audit mode let a probe's connection through: Hubble's verdict AUDIT,
 * "used on policy verdict events in policy audit mode, to denominate flows that would have been
 * dropped by policy if audit mode was turned off" (cilium/cilium api/v1/flow/flow.proto), from its client.
 */
export function auditFlowsForProbe(flows: Flow[], client: {namespace: string; name: string}): string[] {
  const {namespace, name} = client;
  const fromPod = (f: Flow) => f.source?.namespace === namespace && (f.source?.pod_name === name || (f.source?.pod_name ?? '').startsWith(`${name}-`));
  return flows.filter((f) => fromPod(f) && f.verdict === 'AUDIT').slice(-3).map(formatFlow);
}

/** Reads recent flows of a namespace from every Cilium agent. */
export async function collectFlows(
  executor: Executor,
  kubectl: Kubectl,
  namespace: string,
  since: Date,
): Promise<{flows: Flow[]; error?: string}> {
  const {pods: names, error} = await ciliumAgentPods(executor, kubectl);
  if (error) return {flows: [], error};
  const flows: Flow[] = [];
  for (const pod of names) {
    const result = await executor.run(
      agentExec(kubectl, pod, ['hubble', 'observe', '--since', since.toISOString(), '--namespace', namespace, '--last', '1000', '--output', 'json']),
    );
    if (!succeeded(result)) return {flows, error: `hubble observe failed in ${pod}: ${result.stderr.trim().split('\n').pop() ?? `exit ${result.exitCode}`}`};
    flows.push(...parseFlows(result.stdout));
  }
  return {flows};
}
