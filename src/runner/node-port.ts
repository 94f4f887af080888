/**
 * How a probe from outside the cluster reaches a Service: through its node port on a node that has
 * a ready endpoint (the Service is `type: NodePort` with `externalTrafficPolicy: Local`, so the
 * client's address is kept). The runner reads the route before each step; the standalone zx script
 * carries a compiled copy of parseNodePortRoute, so this module imports nothing heavy.
 */
import {TIMEOUTS} from './constants';
import type {Command} from './exec';
import type {Kubectl} from './kubectl';

/** Where an outside probe to a Service goes: a node with a ready endpoint, and the Service's node port. */
export interface NodePortRoute {
  node: string;
  ip: string;
  port: number;
}

/** The three reads that find a NodePortRoute: the Service, its EndpointSlices, the nodes. */
export function nodePortCommands(kubectl: Kubectl, service: string, namespace: string): Command[] {
  return [
    kubectl.command(['get', 'service', service, '--namespace', namespace, '--output', 'json'], {timeoutMs: TIMEOUTS.quick}),
    // EndpointSlices carry the Service's name in this label (https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#ownership).
    kubectl.command(['get', 'endpointslices', '--namespace', namespace, '--selector', `kubernetes.io/service-name=${service}`, '--output', 'json'], {timeoutMs: TIMEOUTS.quick}),
    kubectl.command(['get', 'nodes', '--output', 'json'], {timeoutMs: TIMEOUTS.quick}),
  ];
}

interface ServiceJson {spec?: {ports?: {port: number; protocol?: string; nodePort?: number}[]}}
interface SliceListJson {items?: {endpoints?: {nodeName?: string; conditions?: {ready?: boolean}}[]}[]}
interface NodeListJson {items?: {metadata: {name: string}; status?: {addresses?: {type: string; address: string}[]}}[]}

/**
 * Reads the route from the three documents: the node port of the Service's TCP `port`, and the
 * InternalIP of the first node (by name) that has a ready endpoint. With externalTrafficPolicy
 * Local only such a node forwards the traffic (kube-proxy and Cilium alike drop it elsewhere).
 */
export function parseNodePortRoute(serviceJson: string, slicesJson: string, nodesJson: string, port: number): NodePortRoute | {error: string} {
  let service: ServiceJson;
  let slices: SliceListJson;
  let nodes: NodeListJson;
  try {
    service = JSON.parse(serviceJson);
    slices = JSON.parse(slicesJson);
    nodes = JSON.parse(nodesJson);
  } catch {
    return {error: 'kubectl printed no JSON for the Service, its EndpointSlices or the nodes'};
  }
  const entry = (service.spec?.ports ?? []).find((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
  if (!entry?.nodePort) return {error: `the Service has no node port for TCP port ${port} (is it type: NodePort?)`};
  const ready = (slices.items ?? []).flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false && e.nodeName).map((e) => e.nodeName!);
  const node = [...new Set(ready)].sort()[0];
  if (!node) return {error: 'the Service has no ready endpoint, so no node forwards its node port (externalTrafficPolicy: Local)'};
  const ip = (nodes.items ?? []).find((n) => n.metadata.name === node)?.status?.addresses?.find((a) => a.type === 'InternalIP' && !a.address.includes(':'))?.address;
  if (!ip) return {error: `node ${node} has no IPv4 InternalIP`};
  return {node, ip, port: entry.nodePort};
}
