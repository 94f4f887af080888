import ipaddr from 'ipaddr.js';
import {MANAGED_BY_LABEL, MANAGED_BY_VALUE, TIMEOUTS} from './constants';
import {succeeded, type Command, type Executor} from './exec';
import type {Output} from './output';

/**
 * The Docker network of the kind cluster, with a subnet the runner pins, so that lab.yaml and the
 * manifests can name addresses in it: the machine outside the cluster (`outside.ip`) and the
 * servers behind the lab's `names` are containers on this network at fixed addresses.
 *
 * kind puts its nodes on the Docker network named by KIND_EXPERIMENTAL_DOCKER_NETWORK (default
 * `kind`) and, when a network of that name exists, uses it as it is, without looking at its subnet
 * (kubernetes-sigs/kind pkg/cluster/internal/providers/docker/network.go, ensureNetwork: "network
 * already exists, we're good"). A network kind creates itself gets an automatic IPv4 subnet, and
 * Docker gives a container a fixed address (`docker run --ip`) only on a network whose subnet was
 * configured by the user (docker/cli PR 4374, docs: "user specified IP address is supported only when
 * connecting to networks with user configured subnets"). So `up` creates the network itself first,
 * as kind would (a bridge with IP masquerade and the default bridge's MTU), plus a fixed IPv4 subnet,
 * and then runs `kind create cluster` with the variable set. Cilium's own CI does the same to add
 * external targets to its kind clusters (cilium/cilium .github/actions, "Create a docker network for
 * kind and external targets": 172.20.0.0/16, external targets in 172.20.1.0/24).
 *
 * Addresses: the gateway is 172.30.0.1; Docker gives the nodes the lowest free addresses in order
 * (172.30.0.2, .3, ...), so the runner keeps 172.30.0.0/27 for the gateway and nodes and refuses lab
 * addresses there. Labs use 172.30.0.32-172.30.255.254 (the outpost test lab: 172.30.0.50 and .100).
 * The cluster is IPv4 only (kind's default ipFamily), so the network has no IPv6 subnet.
 */

/** The Docker network the runner creates for its kind cluster. */
export const KIND_NETWORK = 'netpol-labs';
/** Its IPv4 subnet (pinned: lab.yaml names addresses in it). */
export const KIND_SUBNET = '172.30.0.0/16';
/** Its gateway: the Docker host on that network. */
export const KIND_GATEWAY = '172.30.0.1';
/** Addresses kept for the gateway and the nodes (Docker hands out the lowest free ones to the nodes). */
export const KIND_NODE_RANGE = '172.30.0.0/27';
/** The variable that makes `kind create cluster` put the nodes on KIND_NETWORK. */
export const KIND_NETWORK_ENV = 'KIND_EXPERIMENTAL_DOCKER_NETWORK';

const inRange = (ip: string, cidr: string) => ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parseCIDR(cidr));

/** Why an address cannot be a container of a lab on the kind network, or undefined when it can. */
export function addressProblem(ip: string): string | undefined {
  if (!inRange(ip, KIND_SUBNET)) return `${ip} is outside the kind cluster's Docker network ${KIND_SUBNET}; use an address in 172.30.0.32-172.30.255.254`;
  if (inRange(ip, KIND_NODE_RANGE)) return `${ip} is in ${KIND_NODE_RANGE}, kept for the network's gateway (${KIND_GATEWAY}) and the kind nodes; use an address in 172.30.0.32-172.30.255.254`;
  if (ip === '172.30.255.255') return `${ip} is the broadcast address of ${KIND_SUBNET}`;
  return undefined;
}

/** The bridge driver option that sets a network's MTU (`--opt com.docker.network.driver.mtu=N`). */
export const MTU_OPTION = 'com.docker.network.driver.mtu';

/** `docker network inspect NET`: its IPAM config as JSON, or exit 1 ("network NET not found"). */
export function networkInspectCommand(): Command {
  return {file: 'docker', args: ['network', 'inspect', KIND_NETWORK, '--format', '{{json .IPAM.Config}}'], timeoutMs: TIMEOUTS.quick};
}

/** The MTU of Docker's default bridge, which kind gives its own network too (network.go, getDefaultNetworkMTU). */
export function bridgeMtuCommand(): Command {
  return {file: 'docker', args: ['network', 'inspect', 'bridge', '--format', `{{index .Options "${MTU_OPTION}"}}`], timeoutMs: TIMEOUTS.quick};
}

/**
 * `docker network create` as kind's createNetwork does it (bridge, IP masquerade, the default
 * bridge's MTU), plus the pinned subnet and gateway and the runner's owner label.
 */
export function networkCreateCommand(mtu?: number): Command {
  return {
    file: 'docker',
    args: [
      'network', 'create', '--driver', 'bridge',
      '--subnet', KIND_SUBNET, '--gateway', KIND_GATEWAY,
      '--opt', 'com.docker.network.bridge.enable_ip_masquerade=true',
      ...(mtu ? ['--opt', `${MTU_OPTION}=${mtu}`] : []),
      '--label', `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
      KIND_NETWORK,
    ],
    timeoutMs: TIMEOUTS.quick,
  };
}

/** `docker network rm NET` (after the cluster and the lab containers are gone). */
export function networkRemoveCommand(): Command {
  return {file: 'docker', args: ['network', 'rm', KIND_NETWORK], timeoutMs: TIMEOUTS.quick};
}

/** The network exists with another subnet, or cannot be read: the message says what to do. */
export class NetworkConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkConflict';
  }
}

/** The subnets of `{{json .IPAM.Config}}` output (`[{"Subnet":"172.30.0.0/16","Gateway":"172.30.0.1"}]`). */
export function parseSubnets(json: string): string[] {
  try {
    const config = JSON.parse(json) as {Subnet?: string}[] | null;
    return (config ?? []).map((c) => c.Subnet ?? '').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Makes sure the network exists with the pinned subnet before `kind create cluster`: creates it
 * when absent, accepts it when it has KIND_SUBNET (an earlier `up` made it), and refuses one with
 * another subnet (someone else's network of that name, which the runner does not change).
 */
export async function ensureNetwork(executor: Executor, out: Output): Promise<void> {
  const inspect = await executor.run(networkInspectCommand());
  if (executor.dryRun) {
    out.line(`# when the network is missing (the inspect above fails), create it; when it exists it must have the subnet ${KIND_SUBNET}:`);
    out.line(`# (the create below also gets --opt com.docker.network.driver.mtu=N when Docker's default bridge sets an MTU, as kind does)`);
    await executor.run(bridgeMtuCommand());
    await executor.run(networkCreateCommand());
    return;
  }
  if (succeeded(inspect)) {
    const subnets = parseSubnets(inspect.stdout);
    if (subnets.includes(KIND_SUBNET)) {
      out.line(`Docker network ${KIND_NETWORK} exists with subnet ${KIND_SUBNET}: kind puts the nodes on it`);
      return;
    }
    throw new NetworkConflict(
      `Docker network ${KIND_NETWORK} exists with subnet ${subnets.join(', ') || 'unknown'}, not ${KIND_SUBNET}, which the labs' addresses are in. ` +
        `The runner does not change a network it did not create: remove it (docker network rm ${KIND_NETWORK}, after removing what uses it) and run netpol-labs up again.`,
    );
  }
  if (!/not found|no such network/i.test(inspect.stderr)) {
    throw new NetworkConflict(`docker network inspect ${KIND_NETWORK} failed: ${inspect.stderr.trim().split('\n').pop() || `exit ${inspect.exitCode}`}`);
  }
  const mtuRun = await executor.run(bridgeMtuCommand());
  const mtu = Number.parseInt(mtuRun.stdout.trim(), 10);
  const create = networkCreateCommand(succeeded(mtuRun) && mtu > 0 ? mtu : undefined);
  const created = await executor.run(create);
  if (!succeeded(created)) {
    throw new NetworkConflict(
      `could not create Docker network ${KIND_NETWORK} with subnet ${KIND_SUBNET}: ${created.stderr.trim().split('\n').pop() || `exit ${created.exitCode}`}` +
        (/overlap/i.test(created.stderr) ? ` (another Docker network uses addresses in ${KIND_SUBNET}; list them with docker network inspect $(docker network ls -q) and remove or move it)` : ''),
    );
  }
  out.line(`created Docker network ${KIND_NETWORK} (${KIND_SUBNET}) for the kind nodes and the labs' machines outside the cluster`);
}

/** The Docker networks a kind node container is attached to, as JSON keyed by network name. */
export function nodeNetworksCommand(node: string): Command {
  return {file: 'docker', args: ['inspect', '--format', '{{json .NetworkSettings.Networks}}', node], timeoutMs: TIMEOUTS.quick};
}

/** The network names in `{{json .NetworkSettings.Networks}}` output. */
export function parseNodeNetworks(json: string): string[] {
  try {
    return Object.keys((JSON.parse(json) as Record<string, unknown> | null) ?? {});
  } catch {
    return [];
  }
}

/**
 * Why a node's attachment to KIND_NETWORK (from `{{json .NetworkSettings.Networks}}`: each network's
 * IPAddress and IPPrefixLen, Docker's EndpointSettings) is not on the pinned subnet, or undefined
 * when it is. A network of that name that kind created itself (by the variable, without `up`) has
 * an automatic subnet, where the labs' fixed addresses are not.
 */
export function nodeSubnetProblem(json: string): string | undefined {
  let entry: {IPAddress?: string; IPPrefixLen?: number} | undefined;
  try {
    entry = (JSON.parse(json) as Record<string, {IPAddress?: string; IPPrefixLen?: number}>)[KIND_NETWORK];
  } catch {
    return 'its node\'s networks could not be read';
  }
  if (!entry?.IPAddress) return `its node has no address on Docker network ${KIND_NETWORK}`;
  const [, subnetPrefix] = KIND_SUBNET.split('/');
  if (String(entry.IPPrefixLen) !== subnetPrefix || !ipaddr.isValid(entry.IPAddress) || !inRange(entry.IPAddress, KIND_SUBNET)) {
    return `its node is at ${entry.IPAddress}/${entry.IPPrefixLen ?? '?'} on Docker network ${KIND_NETWORK}, not in ${KIND_SUBNET}, where the labs' addresses are`;
  }
  return undefined;
}
