import {existsSync, readFileSync} from 'node:fs';
import type {Lab} from '../lab/load';
import {auditSteps} from './audit-mode';
import {addressProblem, KIND_NETWORK} from './kind-network';

/**
 * What a lab needs from a cluster beyond its namespaces, and where the runner can give it:
 * - probes `from: outside` and the servers behind `names`: containers the runner (and the standalone
 *   zx script) creates on the kind cluster's Docker network (outside.ts). On an existing cluster there
 *   is no machine outside it the runner may use, so such a lab is refused there;
 * - host policies need the host firewall, which `netpol-labs up` and the zx script turn on when they
 *   install Cilium (host-firewall.ts), and whose absence they report on a cluster they reuse.
 * - a step with `policyAuditMode: true`: the runner switches the lab's pods to policy audit mode
 *   through the Cilium agents in kube-system (audit-mode.ts). That is the endpoint configuration of
 *   someone else's cluster on an existing one, so such a step is refused there; kind and the zx
 *   script, which play on the cluster the runner made, do it.
 * Each refusal comes before the runner changes anything, dry runs included, and names why.
 */

/** Where a lab is to be played on a cluster. */
export type ClusterTarget = 'kind' | 'context' | 'export';

/** The steps of a lab with probes from outside the cluster. */
function outsideSteps(lab: Lab): string[] {
  return lab.steps.filter((s) => s.probes.some((p) => p.source.kind === 'outside')).map((s) => s.id);
}

/** `file:line:col` of the first occurrence of `text` in lab.yaml, or the file alone. */
function locate(lab: Lab, text: string): string {
  if (!existsSync(lab.file)) return lab.file;
  const source = readFileSync(lab.file, 'utf8');
  const at = source.indexOf(text);
  if (at < 0) return lab.file;
  const before = source.slice(0, at).split('\n');
  return `${lab.file}:${before.length}:${before[before.length - 1].length + 1}`;
}

/** Problems of the lab's addresses on the kind network, each located in lab.yaml. */
function addressProblems(lab: Lab): string[] {
  const problems: string[] = [];
  const servers = new Set(Object.values(lab.names).flat());
  if (lab.outside && outsideSteps(lab).length > 0) {
    const problem = addressProblem(lab.outside.ip);
    if (problem) problems.push(`${locate(lab, lab.outside.ip)}: outside.ip ${problem}`);
    else if (servers.has(lab.outside.ip)) {
      problems.push(`${locate(lab, lab.outside.ip)}: outside.ip ${lab.outside.ip} is also the address of a name under \`names\`; the outside client and a server are two containers, so give them two addresses`);
    }
  }
  for (const [name, ips] of Object.entries(lab.names)) {
    for (const ip of ips) {
      const problem = addressProblem(ip);
      if (problem) problems.push(`${locate(lab, ip)}: names: ${name}: ${problem}`);
    }
  }
  return problems;
}

/**
 * Why the runner cannot play the lab on this target, or undefined when it can.
 *
 * @param target `kind` (`run --target kind`), `context` (an existing cluster), `export` (the zx script)
 * @param stepId the one step to play (`--step`), when not all of them
 */
export function unsupportedOnCluster(lab: Lab, target: ClusterTarget, stepId?: string): string | undefined {
  if (target === 'kind' || target === 'export') {
    const problems = addressProblems(lab);
    if (problems.length === 0) return undefined;
    return `lab ${lab.id} puts machines outside the cluster on the kind cluster's Docker network ${KIND_NETWORK}, at addresses that cannot be used there:\n${problems.map((p) => `  ${p}`).join('\n')}`;
  }
  const audited = auditSteps(lab, stepId);
  if (audited.length > 0) {
    const others = lab.steps.filter((s) => s.policyAuditMode !== true).map((s) => s.id);
    return `lab ${lab.id} has ${audited.length === 1 ? 'a step' : 'steps'} in policy audit mode (${audited.join(', ')}, policyAuditMode: true in lab.yaml), which the runner plays by changing ` +
      'the Cilium endpoint configuration of the lab\'s pods through the agents in kube-system; netpol-labs does not change endpoint configuration on a cluster it did not create. ' +
      `Play it on kind (--target kind) or in the simulator (--target sim)${others.length > 0 ? `, or play another step here with --step (${others.join(', ')})` : ''}`;
  }
  const steps = outsideSteps(lab);
  if (steps.length > 0) {
    return `lab ${lab.id} has probes from outside the cluster (steps ${steps.join(', ')}); on an existing cluster netpol-labs has no machine outside it that it may use. ` +
      'Play it on kind (--target kind: the runner puts the outside client on the cluster\'s Docker network) or in the simulator (--target sim)';
  }
  const names = Object.keys(lab.names);
  if (names.length > 0) {
    return `lab ${lab.id} names servers outside the cluster (${names.join(', ')}), which netpol-labs runs as containers on the kind cluster's Docker network only; ` +
      'on an existing cluster it creates nothing outside the lab\'s namespaces. Play it on kind (--target kind) or in the simulator (--target sim)';
  }
  return undefined;
}
