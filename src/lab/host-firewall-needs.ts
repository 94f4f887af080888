import type {Lab} from './load';

/**
 * Whether a lab needs Cilium's host firewall: exactly when one of its manifests holds a host policy
 * (a CiliumClusterwideNetworkPolicy with `nodeSelector`). It is an install-time setting (Helm
 * `hostFirewall.enabled`, Documentation/security/host-firewall.rst), so it belongs to the cluster,
 * not to a step: `netpol-labs up` turns it on when any lab has such a policy, and the simulator
 * plays every step of such a lab with it on, as on that cluster. There is no lab.yaml key for it:
 * a key could disagree with the manifests, and the manifests are what Cilium enforces.
 */

/** A host policy of a lab: the file and the policy's name. */
export interface HostPolicy {
  lab: string;
  file: string;
  name: string;
}

/** True when a CiliumClusterwideNetworkPolicy selects nodes: `spec.nodeSelector`, or one in `specs`. */
function selectsNodes(object: {kind?: string; spec?: unknown; specs?: unknown}): boolean {
  if (object.kind !== 'CiliumClusterwideNetworkPolicy') return false;
  const specs = [object.spec, ...(Array.isArray(object.specs) ? object.specs : [])];
  return specs.some((s) => s !== null && typeof s === 'object' && (s as {nodeSelector?: unknown}).nodeSelector !== undefined);
}

/** The host policies among a lab's manifests (app and every step's policies), each once. */
export function hostPolicies(lab: Lab): HostPolicy[] {
  const manifests = [...lab.app, ...lab.steps.flatMap((s) => s.policies)];
  const found = new Map<string, HostPolicy>();
  for (const m of manifests) {
    for (const {object} of m.objects) {
      if (selectsNodes(object as {kind?: string; spec?: unknown; specs?: unknown})) found.set(`${m.path}/${object.metadata.name}`, {lab: lab.id, file: m.path, name: object.metadata.name});
    }
  }
  return [...found.values()];
}

/** True when the cluster a lab runs on has the host firewall on: the lab has a host policy. */
export function needsHostFirewall(lab: Lab): boolean {
  return hostPolicies(lab).length > 0;
}
