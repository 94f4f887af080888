/**
 * The Kubernetes API server as a lab probe names it: the Service `kubernetes` of namespace
 * `default`, which every cluster has and no lab creates ("Accessing the Kubernetes API from a Pod",
 * https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/: the kubernetes.default.svc
 * DNS name "resolves to a Service IP which in turn will be routed to an API server"). A pod reaches it as
 * `kubernetes.default` (or `.svc`, `.svc.cluster.local`) on its one port, 443/TCP (`https`).
 *
 * Its endpoint is the API server itself. kind runs the API server (kubeadm's static pod) in the
 * control-plane node's own network, listening on 6443, so the Service's only backend is that
 * node's address on 6443; Cilium gives that address the kube-apiserver identity besides the node's
 * (pkg/identity/numericidentity.go: ReservedIdentityKubeAPIServer, "the identity given to remote
 * node(s) which have backend(s) serving the kube-apiserver", labels reserved:kube-apiserver and
 * reserved:remote-node). Pure and browser-safe, like the rest of the lab format.
 */

/** The Service that fronts the API server. */
export const API_SERVER_SERVICE = {namespace: 'default', service: 'kubernetes'} as const;
/** The Service's one port (`https`, TCP). */
export const API_SERVER_SERVICE_PORT = 443;
/** Where the API server listens on kind's control-plane node (kubeadm's default bind port). */
export const API_SERVER_PORT = 6443;

/**
 * True when a pod's resolver would take `host` to the API server's Service: `kubernetes.default`,
 * `kubernetes.default.svc` or `kubernetes.default.svc.cluster.local`, with or without the final dot.
 * The one-label `kubernetes` is not: it names the client's own namespace, and a lab never runs in
 * `default` (the loader refuses that namespace).
 */
export function isApiServerName(host: string): boolean {
  // The forms of src/lab/probe-request.ts serviceOfHost, spelled out: that module uses this one.
  const name = host.toLowerCase().replace(/\.$/, '');
  const base = `${API_SERVER_SERVICE.service}.${API_SERVER_SERVICE.namespace}`;
  return name === base || name === `${base}.svc` || name === `${base}.svc.cluster.local`;
}
