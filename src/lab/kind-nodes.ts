import type {Node} from '../policy';

/**
 * The nodes of the kind cluster `netpol-labs up` creates (one control plane and, by default, one
 * worker: src/runner/cluster.ts kindConfig), with the labels they really carry, so that a host
 * policy's `nodeSelector` selects in the simulator what it selects on kind.
 *
 * - kind names a cluster's node containers, and so its nodes, `<cluster>-control-plane` and
 *   `<cluster>-worker`, `<cluster>-worker2`, ... (kubernetes-sigs/kind pkg/cluster/internal/providers/
 *   common/naming.go MakeNodeNamer); the cluster is `netpol-labs`. The node containers sit on
 *   the Docker network the runner makes for kind (src/runner/kind-network.ts), whose embedded DNS
 *   answers their names to the other containers on it, the `from: outside` machine included
 *   (https://docs.docker.com/engine/network/#dns-services).
 * - The kubelet labels every node with kubernetes.io/hostname, kubernetes.io/os and
 *   kubernetes.io/arch when it registers it (kubernetes/kubernetes pkg/kubelet, the initial Node
 *   object: v1.LabelHostname, v1.LabelOSStable, v1.LabelArchStable).
 * - kubeadm labels the control-plane node, and only it, with node-role.kubernetes.io/control-plane
 *   and node.kubernetes.io/exclude-from-external-load-balancers
 *   (kubernetes/kubernetes cmd/kubeadm/app/phases/markcontrolplane/markcontrolplane.go labelsToAdd).
 *
 * kubernetes.io/arch is the host's architecture; amd64 stands for it (no lab selects on it, and
 * Cilium leaves kubernetes.io labels out of the host's identity anyway).
 */

/** The kind cluster's name (src/runner/constants.ts CLUSTER_NAME; repeated here to keep the site's bundle free of runner code). */
const CLUSTER = 'netpol-labs';

/** The worker node a one-worker `up` creates: where unpinned pods run, as the control plane is tainted NoSchedule. */
export const KIND_WORKER = `${CLUSTER}-worker`;
/** The control-plane node, where the API server runs. */
export const KIND_CONTROL_PLANE = `${CLUSTER}-control-plane`;

function kubeletLabels(name: string): Record<string, string> {
  return {
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
  };
}

/**
 * The control-plane node's address in the simulator, where it lists the API server (src/lab/api-server.ts).
 * The nodes take the engine's own default node addresses, 172.18.0.2 onwards in order (src/policy/cluster.ts
 * indexCluster), written out so that the API server's address is known. On kind Docker gives the
 * real ones on the runner's network; no verdict depends on which, as policies match a node by its
 * identity, never by its address (CIDR rules do not select nodes).
 */
export const KIND_CONTROL_PLANE_IP = '172.18.0.3';

/**
 * The nodes, the worker first: the engine places a pod without nodeName on the first node, and on
 * kind the scheduler puts it on a worker (kubeadm taints the control plane NoSchedule).
 */
export const KIND_NODES: readonly Node[] = [
  {name: KIND_WORKER, ip: '172.18.0.2', labels: kubeletLabels(KIND_WORKER)},
  {
    name: KIND_CONTROL_PLANE,
    ip: KIND_CONTROL_PLANE_IP,
    labels: {...kubeletLabels(KIND_CONTROL_PLANE), 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': ''},
  },
];

/** True when `host` names one of kind's nodes (a machine on kind's Docker network resolves it). */
export function isKindNode(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return KIND_NODES.some((n) => n.name === name);
}
