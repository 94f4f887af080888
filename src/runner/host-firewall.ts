/**
 * Cilium's host firewall: host policies (a CiliumClusterwideNetworkPolicy with `nodeSelector`)
 * are enforced only when the agent runs with it (Helm value `hostFirewall.enabled`,
 * Documentation/security/host-firewall.rst, "Enable the Host Firewall in Cilium"). It is an
 * install-time setting, so the runner decides it from the labs: a lab needs it exactly when one of
 * its manifests holds such a policy. There is no lab.yaml key for it: a key could disagree with the
 * manifests, and the manifests are what Cilium enforces.
 *
 * It works with kind's kube-proxy (no kube-proxy replacement needed): Cilium marked the host
 * firewall stable "regardless of KPR status" (cilium/cilium PR 17221, which also made the Helm value
 * the map `hostFirewall.enabled`). The agent finds the devices to attach it to itself (the nodes'
 * eth0 on kind); the guide's `devices` value is only needed where detection picks the wrong ones.
 *
 * The chart writes the setting into the cilium-config ConfigMap as `enable-host-firewall`
 * (install/kubernetes/cilium/templates/cilium-configmap.yaml), which is what the agent reads; the
 * reuse check of an existing kind cluster reads it there.
 */
import {hostPolicies, type HostPolicy} from '../lab/host-firewall-needs';
import type {Lab} from '../lab/load';
import {TIMEOUTS} from './constants';
import type {Command} from './exec';
import type {Kubectl} from './kubectl';

/** The Helm value that turns the host firewall on. */
export const HOST_FIREWALL_VALUE = 'hostFirewall.enabled=true';

/** The host policies of every lab given: when there is any, `up` turns the host firewall on. */
export function hostFirewallNeeds(labs: Lab[]): HostPolicy[] {
  return labs.flatMap(hostPolicies);
}

/** One line naming why the host firewall is needed: `lab outpost (host-policy.yaml: CCNP lockdown)`. */
export function describeNeeds(needs: HostPolicy[]): string {
  const first = needs[0];
  const more = needs.length > 1 ? ` and ${needs.length - 1} more` : '';
  return `lab ${first.lab} has a host policy (${first.file}: CiliumClusterwideNetworkPolicy ${first.name} with nodeSelector)${more}`;
}

/** Reads `enable-host-firewall` from cilium-config (prints `true`, `false`, or nothing when unset). */
export function hostFirewallSettingCommand(kubectl: Kubectl): Command {
  return kubectl.command(['get', 'configmap', 'cilium-config', '--namespace', 'kube-system', '--output', 'jsonpath={.data.enable-host-firewall}'], {timeoutMs: TIMEOUTS.quick});
}
