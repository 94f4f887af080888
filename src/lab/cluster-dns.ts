import type {KubeObject} from './manifests';

/**
 * The cluster DNS as every kubeadm-made cluster (kind's included) has it, so the simulator can
 * answer a lab's name lookups and judge the egress rules that allow them, without a lab creating
 * anything in kube-system. Names, labels, service account and ports are kubeadm's CoreDNS addon
 * (kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go): Deployment `coredns`
 * with pods labelled `k8s-app: kube-dns` and service account `coredns`, Service `kube-dns` with
 * ports dns 53/UDP, dns-tcp 53/TCP and metrics 9153/TCP. Policies that allow DNS select exactly
 * these labels (Cilium's DNS guide, Documentation/security/dns.rst: `k8s:k8s-app: kube-dns`).
 */
export const CLUSTER_DNS_SERVICE = 'kube-system/kube-dns';

const LABELS = {'k8s-app': 'kube-dns'};
const PORTS = [
  {name: 'dns', containerPort: 53, protocol: 'UDP'},
  {name: 'dns-tcp', containerPort: 53, protocol: 'TCP'},
  {name: 'metrics', containerPort: 9153, protocol: 'TCP'},
];

/** The objects of the cluster DNS, as the engine models a cluster from objects. */
export const CLUSTER_DNS_OBJECTS: readonly KubeObject[] = [
  {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'kube-system'}},
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name: 'kube-dns', namespace: 'kube-system', labels: {'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS'}},
    spec: {
      selector: LABELS,
      ports: PORTS.map(({name, containerPort, protocol}) => ({name, port: containerPort, targetPort: containerPort, protocol})),
    },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'coredns', namespace: 'kube-system', labels: LABELS},
    spec: {
      // kubeadm runs two replicas; one stands for both, as every answer is the same.
      replicas: 1,
      selector: {matchLabels: LABELS},
      template: {
        metadata: {labels: LABELS},
        spec: {serviceAccountName: 'coredns', containers: [{name: 'coredns', ports: PORTS}]},
      },
    },
  },
] as KubeObject[];
