/**
 * The pieces of the kind side of outside machines, host policies and the network, on their own:
 * where an outside probe goes (the node port route read from the API's JSON), the command it runs,
 * which addresses may be used on the network, and which labs need the host firewall.
 */
import {describe, expect, it} from 'vitest';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {hostPolicies} from '../../src/lab/host-firewall-needs';
import {addressProblem, nodeSubnetProblem, parseNodeNetworks, parseSubnets} from '../../src/runner/kind-network';
import {parseNodePortRoute} from '../../src/runner/node-port';
import {labContainers, onlyNoSuchContainer, outsideProbeCommand} from '../../src/runner/outside';
import {formatCommand} from '../../src/runner/exec';

const outpost = readLabOrThrow('tests/fixtures/lab-format/labs/outpost');
const bastion = readLabOrThrow('tests/fixtures/lab-format/labs/bastion');

/**
 * A Service, its EndpointSlices and the nodes as the API serves them (the fields of
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ and endpoint-slice-v1,
 * node-v1 `status.addresses`), trimmed to what matters, for a two-node kind cluster.
 */
const SERVICE = JSON.stringify({kind: 'Service', spec: {type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{port: 80, protocol: 'TCP', targetPort: 80, nodePort: 31234}]}});
const slices = (endpoints: {nodeName: string; ready: boolean}[]) =>
  JSON.stringify({kind: 'List', items: [{kind: 'EndpointSlice', addressType: 'IPv4', endpoints: endpoints.map((e) => ({addresses: ['10.244.1.7'], nodeName: e.nodeName, conditions: {ready: e.ready}}))}]});
const NODES = JSON.stringify({
  kind: 'List',
  items: [
    {metadata: {name: 'netpol-labs-control-plane'}, status: {addresses: [{type: 'InternalIP', address: '172.30.0.2'}, {type: 'Hostname', address: 'netpol-labs-control-plane'}]}},
    {metadata: {name: 'netpol-labs-worker'}, status: {addresses: [{type: 'InternalIP', address: '172.30.0.3'}, {type: 'Hostname', address: 'netpol-labs-worker'}]}},
  ],
});

describe('the route of an outside probe to a Service', () => {
  it('is the node port on the node whose endpoint is ready (externalTrafficPolicy: Local forwards only there)', () => {
    expect(parseNodePortRoute(SERVICE, slices([{nodeName: 'netpol-labs-worker', ready: true}]), NODES, 80)).toEqual({node: 'netpol-labs-worker', ip: '172.30.0.3', port: 31234});
  });

  it('skips an endpoint that is not ready, and says so when none is', () => {
    const both = slices([{nodeName: 'netpol-labs-control-plane', ready: false}, {nodeName: 'netpol-labs-worker', ready: true}]);
    expect(parseNodePortRoute(SERVICE, both, NODES, 80)).toMatchObject({node: 'netpol-labs-worker'});
    expect(parseNodePortRoute(SERVICE, slices([{nodeName: 'netpol-labs-worker', ready: false}]), NODES, 80)).toEqual({
      error: 'the Service has no ready endpoint, so no node forwards its node port (externalTrafficPolicy: Local)',
    });
  });

  it('names a port without a node port (a ClusterIP Service)', () => {
    const clusterIp = JSON.stringify({spec: {ports: [{port: 80, protocol: 'TCP'}]}});
    expect(parseNodePortRoute(clusterIp, slices([{nodeName: 'netpol-labs-worker', ready: true}]), NODES, 80)).toEqual({error: 'the Service has no node port for TCP port 80 (is it type: NodePort?)'});
  });
});

describe('an outside probe', () => {
  const [toService, toServiceDropped] = outpost.steps.flatMap((s) => s.probes).filter((p) => p.source.kind === 'outside');
  const route = {node: 'netpol-labs-worker', ip: '172.30.0.3', port: 31234};

  it('runs the pods\' curl argv in the outside container, to the node port, with the Host the lab wrote', () => {
    expect(formatCommand(outsideProbeCommand(outpost, toService, route))).toBe(
      "docker exec netpol-labs-outside curl --silent --show-error --connect-timeout 2 --max-time 10 --request GET --header 'Host: deathstar.empire.svc.cluster.local' --output - " +
        "--write-out '[netpol-labs code=%{http_code} dns=%{time_namelookup} connect=%{time_connect}]' http://172.30.0.3:31234/v1",
    );
    expect(toServiceDropped.target.service).toBe('deathstar');
  });

  it('needs the route when it goes to a Service', () => {
    expect(() => outsideProbeCommand(outpost, toService)).toThrow('which needs its node port route');
  });
});

describe('the lab containers on the kind network', () => {
  it('are the outside client at outside.ip and one server per address, its names as aliases', () => {
    expect(labContainers(outpost).map((c) => [c.name, c.ip, c.image, c.aliases])).toEqual([
      ['netpol-labs-outside', '172.30.0.100', 'nicolaka/netshoot:v0.16', []],
      ['netpol-labs-server-172-30-0-50', '172.30.0.50', 'traefik/whoami:v1.10.4', ['mos-eisley.example']],
    ]);
  });

  it('a docker rm of containers already gone is no failure; any other error is', () => {
    expect(onlyNoSuchContainer('Error response from daemon: No such container: netpol-labs-outside\n')).toBe(true);
    expect(onlyNoSuchContainer('Error response from daemon: No such container: a\nError response from daemon: cannot remove container "b": permission denied\n')).toBe(false);
    expect(onlyNoSuchContainer('')).toBe(false);
  });
});

describe('addresses on the kind network (172.30.0.0/16, gateway and nodes in 172.30.0.0/27)', () => {
  it('accepts an address above the nodes\' range and refuses the gateway, a node\'s or one off the network', () => {
    expect(addressProblem('172.30.0.100')).toBeUndefined();
    expect(addressProblem('172.30.0.32')).toBeUndefined();
    expect(addressProblem('172.30.0.1')).toContain('kept for the network\'s gateway');
    expect(addressProblem('172.30.0.31')).toContain('kept for the network\'s gateway (172.30.0.1) and the kind nodes');
    expect(addressProblem('172.18.0.100')).toContain('outside the kind cluster\'s Docker network 172.30.0.0/16');
    expect(addressProblem('172.30.255.255')).toContain('broadcast');
  });

  it('reads Docker\'s JSON: the network\'s subnets and the networks a node is on', () => {
    expect(parseSubnets('[{"Subnet":"172.30.0.0/16","Gateway":"172.30.0.1"}]\n')).toEqual(['172.30.0.0/16']);
    expect(parseSubnets('')).toEqual([]);
    expect(parseNodeNetworks('{"kind":{"IPAddress":"172.18.0.2"}}')).toEqual(['kind']);
  });

  it('tells a node on the runner\'s network with the pinned subnet from one on a network of that name with another subnet', () => {
    // Docker's EndpointSettings as `docker inspect` prints them (IPAddress, IPPrefixLen).
    expect(nodeSubnetProblem('{"netpol-labs":{"IPAddress":"172.30.0.2","IPPrefixLen":16}}')).toBeUndefined();
    expect(nodeSubnetProblem('{"netpol-labs":{"IPAddress":"172.19.0.2","IPPrefixLen":16}}')).toBe(
      'its node is at 172.19.0.2/16 on Docker network netpol-labs, not in 172.30.0.0/16, where the labs\' addresses are',
    );
    expect(nodeSubnetProblem('{"netpol-labs":{"IPAddress":"172.30.0.2","IPPrefixLen":24}}')).toContain('not in 172.30.0.0/16');
  });
});

describe('the host firewall', () => {
  it('is needed by a lab with a CiliumClusterwideNetworkPolicy that selects nodes, and by no other', () => {
    expect(hostPolicies(bastion)).toEqual([{lab: 'bastion', file: 'workers-lockdown.yaml', name: 'workers-lockdown'}]);
    expect(hostPolicies(outpost)).toEqual([]);
    expect(hostPolicies(readLabOrThrow('labs/deathstar'))).toEqual([]);
  });
});
