/**
 * Machines outside the cluster, on kind: containers on the cluster's Docker network (kind-network.ts)
 * at the addresses lab.yaml gives them.
 *
 * - The client of `from: outside` probes: nicolaka/netshoot (CLIENT_IMAGE, the same tools as the
 *   pods' probes) at `outside.ip`. A probe runs in it with `docker exec` and the same tool argv and
 *   classifier as a pod's probe.
 * - One server per address under `names`: a small HTTP server at that address whose Docker network
 *   aliases are the names with that address. Docker's embedded DNS answers a container's network
 *   aliases to every container on the network (https://docs.docker.com/engine/network/#dns-services),
 *   kind nodes included. A pod resolves such a name through the cluster DNS without any edit of
 *   CoreDNS: kubeadm's Corefile forwards what it does not serve to /etc/resolv.conf
 *   (`forward . /etc/resolv.conf`, kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go),
 *   CoreDNS runs with dnsPolicy Default, so that is the node's resolv.conf, and kind's node entrypoint
 *   points the node's resolv.conf at the Docker host address and adds a PREROUTING DNAT so that pod
 *   traffic to it reaches Docker's embedded DNS (kubernetes-sigs/kind images/base/files/usr/local/bin/entrypoint,
 *   enable_network_magic: "we need to also apply these rules to non-local traffic (from pods)").
 *   That DNAT is an iptables rule in the node's network namespace, which Cilium's eBPF host routing
 *   would bypass; it is on only with eBPF kube-proxy replacement and eBPF masquerading
 *   (https://docs.cilium.io/en/stable/operations/performance/tuning/, "eBPF Host-Routing", requirements),
 *   which the runner does not enable (kind keeps kube-proxy), so pod DNS keeps the legacy path.
 *
 * The path from the outside client to a pod is a Service of type NodePort with
 * `externalTrafficPolicy: Local` (the loader requires it for an outside probe to a Service): the
 * client dials the node port on a node that has a ready endpoint of the Service, and that node
 * forwards to its local pod without replacing the client's address
 * (https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip),
 * so the pod's policy sees the outside address (the `world` identity, or a CIDR rule's). The
 * alternative, a route to the pod CIDR through a node in the client container, would need
 * NET_ADMIN in it, one route per node's pod CIDR, and depends on how Cilium routes replies to an
 * address outside the cluster; the node port needs none of that and is what a real outside client
 * uses. Which node and which port are read from the cluster before each step
 * (nodePortCommands), because the port is allocated by the API server and the pod may move.
 */
import type {Lab, Probe} from '../lab/load';
import {absoluteRequest, type ProbeRequest} from '../lab/probe-request';
import {CLIENT_IMAGE, LAB_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, TIMEOUTS} from './constants';
import {CommandFailed, must, succeeded, type Command, type Executor} from './exec';
import {KIND_NETWORK} from './kind-network';
import type {NodePortRoute} from './node-port';
import type {Output} from './output';
import {probeInvocation} from './probe';

/**
 * The server behind a lab's `names`: traefik/whoami (https://github.com/traefik/whoami), a tiny Go
 * HTTP server on port 80 that answers every path with 200 and a text description of the request
 * (README, "Paths": `/` returns the whoami information; Go's `/` pattern matches every path). Built
 * FROM scratch; a container answers ICMP echo from the kernel, whatever it runs. Pinned by tag
 * (v1.10.4, seen pinned in public manifests when this was checked, not checked against the registry
 * from here); Docker pulls it on the host, not into the kind nodes.
 */
export const SERVER_IMAGE = 'traefik/whoami:v1.10.4';

/** The name of the outside client container (one at a time: a lab run replaces an earlier lab's). */
export const OUTSIDE_CONTAINER = 'netpol-labs-outside';

/** The label that marks the runner's containers on the kind network, with their role. */
export const ROLE_LABEL = 'netpol-labs.io/role';

/** One container of a lab on the kind network. */
export interface LabContainer {
  name: string;
  role: 'outside' | 'server';
  ip: string;
  image: string;
  /** Docker network aliases: the names that resolve to this address. */
  aliases: string[];
  /** The command (the client idles until probes are exec'd in it; the server runs its own). */
  command: string[];
}

/** The containers a lab needs on kind: its outside client and one server per address under `names`. */
export function labContainers(lab: Lab): LabContainer[] {
  const containers: LabContainer[] = [];
  if (lab.steps.some((s) => s.probes.some((p) => p.source.kind === 'outside')) && lab.outside) {
    containers.push({name: OUTSIDE_CONTAINER, role: 'outside', ip: lab.outside.ip, image: CLIENT_IMAGE, aliases: [], command: ['sleep', 'infinity']});
  }
  const byAddress = new Map<string, string[]>();
  for (const [name, ips] of Object.entries(lab.names)) for (const ip of ips) byAddress.set(ip, [...(byAddress.get(ip) ?? []), name]);
  for (const [ip, names] of byAddress) {
    containers.push({name: `netpol-labs-server-${ip.replace(/\./g, '-')}`, role: 'server', ip, image: SERVER_IMAGE, aliases: names, command: []});
  }
  return containers;
}

/** `docker run --detach` of one lab container on the kind network at its address, labelled as the runner's. */
export function runContainerCommand(lab: Lab, container: LabContainer): Command {
  return {
    file: 'docker',
    args: [
      'run', '--detach', '--name', container.name,
      '--network', KIND_NETWORK, '--ip', container.ip,
      ...container.aliases.flatMap((a) => ['--network-alias', a]),
      '--label', `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`, '--label', `${LAB_LABEL}=${lab.id}`, '--label', `${ROLE_LABEL}=${container.role}`,
      container.image, ...container.command,
    ],
    timeoutMs: TIMEOUTS.image,
  };
}

/** Lists the runner's lab containers (all labs, or one lab's) by label: one name per line. */
export function listContainersCommand(labId?: string): Command {
  return {
    file: 'docker',
    args: ['ps', '--all', '--filter', `label=${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`, '--filter', labId ? `label=${LAB_LABEL}=${labId}` : `label=${ROLE_LABEL}`, '--format', '{{.Names}}'],
    timeoutMs: TIMEOUTS.quick,
  };
}

/** `docker rm --force` of containers (by name). */
export function removeContainersCommand(names: string[]): Command {
  return {file: 'docker', args: ['rm', '--force', ...names], timeoutMs: TIMEOUTS.kubectl};
}

/** True when every line of a failed `docker rm` says the container was already gone. */
export function onlyNoSuchContainer(stderr: string): boolean {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length > 0 && lines.every((l) => /no such container/i.test(l));
}

/**
 * The request the outside client sends. To a Service: to the node port on the route's node, the
 * Host header kept as the lab wrote it (what L7 rules see). To a name under `names` or an address:
 * as written, names absolute (Docker's DNS answers the aliases).
 */
export function outsideRequest(lab: Lab, probe: Probe, route?: NodePortRoute): ProbeRequest {
  const request = probe.request;
  if (probe.target.service === undefined) return absoluteRequest(request, undefined, lab.namespaces);
  if (!route) throw new Error(`probe ${probe.label} from outside goes to Service ${probe.target.service}, which needs its node port route`);
  switch (request.kind) {
    case 'http': {
      const url = new URL(request.url);
      return {...request, url: `http://${route.ip}:${route.port}${url.pathname}${url.search}`, host: request.host ?? url.host};
    }
    case 'grpc': {
      const url = new URL(request.url);
      return {kind: 'grpc', url: `http://${route.ip}:${route.port}${url.pathname}`};
    }
    case 'tcp':
      return {kind: 'tcp', host: route.ip, port: route.port};
    default:
      // The loader refuses DNS and ping probes from outside to a Service (resolve-probe.ts checkSource).
      throw new Error(`a ${request.kind} probe from outside cannot go to a Service`);
  }
}

/** `docker exec` of a probe in the outside client: the tool argv of probe.ts, stdin for a gRPC message. */
export function outsideProbeCommand(lab: Lab, probe: Probe, route?: NodePortRoute): Command {
  const {argv, input} = probeInvocation(outsideRequest(lab, probe, route));
  return {
    file: 'docker',
    args: ['exec', ...(input !== undefined ? ['--interactive'] : []), OUTSIDE_CONTAINER, ...argv],
    timeoutMs: TIMEOUTS.probe,
    ...(input !== undefined ? {input, inputLabel: `${probe.kind} request (${input.length} bytes)`} : {}),
  };
}

/** Stand-ins for a route a dry run cannot read: an address from RFC 5737's documentation block and the discard port. */
const PLACEHOLDER_ROUTE: NodePortRoute = {node: 'NODE', ip: '192.0.2.1', port: 9};

/**
 * The command of an outside probe to a Service as a plan shows it: NODE_IP and NODE_PORT where the
 * real run puts the route it reads before the step.
 */
export function plannedOutsideProbeCommand(lab: Lab, probe: Probe): Command {
  const command = outsideProbeCommand(lab, probe, PLACEHOLDER_ROUTE);
  const args = command.args.map((a) => a.replace(`${PLACEHOLDER_ROUTE.ip}:${PLACEHOLDER_ROUTE.port}`, 'NODE_IP:NODE_PORT').replace(PLACEHOLDER_ROUTE.ip, 'NODE_IP'));
  // nc takes the port as its own last argument.
  if (probe.kind === 'tcp') args[args.length - 1] = 'NODE_PORT';
  return {...command, args};
}

/**
 * Removes the runner's lab containers: every one (`down`), one lab's (`reset`), or before a lab
 * starts every earlier lab's plus any left from this lab (`also`: this lab's names, shown in a plan).
 * Only containers carrying the runner's labels are listed, and a name already gone is no error.
 */
export async function removeLabContainers(executor: Executor, out: Output, options: {labId?: string; also?: string[]} = {}): Promise<void> {
  const listed = await executor.run(listContainersCommand(options.labId));
  if (!executor.dryRun && !succeeded(listed)) throw new CommandFailed(listContainersCommand(options.labId), listed);
  const names = [...new Set([...(options.also ?? []), ...listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean)])];
  if (executor.dryRun && names.length === 0) {
    out.line('# docker rm --force each container listed above, if any');
    return;
  }
  if (names.length === 0) return;
  if (executor.dryRun && options.also?.length) out.line('# docker rm --force the containers listed above and this lab\'s own, if an earlier run left them');
  const command = removeContainersCommand(names);
  const removed = await executor.run(command);
  if (!executor.dryRun && !succeeded(removed) && !onlyNoSuchContainer(removed.stderr)) throw new CommandFailed(command, removed);
}

/** Starts a lab's containers on the kind network, after removing any an earlier run left. */
export async function startLabContainers(executor: Executor, out: Output, lab: Lab): Promise<void> {
  const containers = labContainers(lab);
  if (containers.length === 0) return;
  await removeLabContainers(executor, out, {also: containers.map((c) => c.name)});
  for (const container of containers) {
    out.line(container.role === 'outside'
      ? `# ${lab.id}: the machine outside the cluster: ${container.name} at ${container.ip} on Docker network ${KIND_NETWORK}`
      : `# ${lab.id}: ${container.aliases.join(', ')} -> ${container.ip}: an HTTP server on Docker network ${KIND_NETWORK}, the name(s) its network aliases`);
    await must(executor, runContainerCommand(lab, container));
  }
}
