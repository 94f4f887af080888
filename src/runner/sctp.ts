/**
 * Cilium's SCTP support (beta): off by default, turned on at install time with the Helm value
 * `sctp.enabled=true` (cilium/cilium Documentation/configuration/sctp.rst, "Enabling"). The chart
 * writes it into the cilium-config ConfigMap as `enable-sctp`
 * (install/kubernetes/cilium/templates/cilium-configmap.yaml), which is what the agent reads and
 * the reuse check of an existing kind cluster reads there.
 *
 * While it is off, Cilium's datapath drops every SCTP packet from or to a pod: its conntrack handles
 * SCTP only when built with ENABLE_SCTP (bpf/lib/conntrack.h), and drops other protocols with the
 * reason "CT: Unknown L4 protocol". A client sees a timeout, exactly what a policy drop looks like,
 * so an SCTP probe on such a cluster would "pass" every `dropped` for the wrong reason. `netpol-labs
 * up` therefore always installs Cilium with it on (a course lab needs it, as the host firewall), and
 * refuses to reuse a cluster without it.
 */
import type {Lab} from '../lab/load';
import {TIMEOUTS} from './constants';
import type {Command} from './exec';
import type {Kubectl} from './kubectl';

/** The Helm value that turns Cilium's SCTP support on. */
export const SCTP_VALUE = 'sctp.enabled=true';

/** Reads `enable-sctp` from cilium-config (prints `true`, `false`, or nothing when unset). */
export function sctpSettingCommand(kubectl: Kubectl): Command {
  return kubectl.command(['get', 'configmap', 'cilium-config', '--namespace', 'kube-system', '--output', 'jsonpath={.data.enable-sctp}'], {timeoutMs: TIMEOUTS.quick});
}

/** Why a cluster whose cilium-config says `setting` for enable-sctp cannot serve the labs; undefined when it is on. */
export function sctpProblem(setting: string): string | undefined {
  if (setting === 'true') return undefined;
  return `Cilium's SCTP support is off (cilium-config enable-sctp is ${setting ? `"${setting}"` : 'not set'}), and lab netpol-sctp probes SCTP: ` +
    `while it is off Cilium drops every SCTP packet, and it is set when Cilium is installed (Helm value ${SCTP_VALUE})`;
}

/** True when a lab has an SCTP probe, so the cluster it runs on must have Cilium's SCTP support on. */
export function needsSctp(lab: Lab): boolean {
  return lab.steps.some((step) => step.probes.some((probe) => probe.kind === 'sctp'));
}
