import type {LabFile, ProbeFile, StepFile} from '@site/src/lab/schema';
import {absoluteRequest, fileRequest} from '@site/src/lab/probe-request';
import {probeInvocation} from '@site/src/runner/probe';

/** Quotes a word for a POSIX shell only when it needs it. */
function sh(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const EXPECT_COMMENT = {
  allowed: 'allowed',
  dropped: 'dropped: no answer within 2 s (curl exit 28, nc "timed out", dig "no servers could be reached", ping 100% loss)',
  'l7-denied': 'l7-denied: refused by the proxy (HTTP 403 "Access denied", grpc-status 7, DNS status REFUSED)',
  unresolved: 'unresolved: the name does not resolve (curl exit 6, or exit 28 while resolving)',
} as const;

/**
 * The command that runs a probe by hand: exactly the tool command the runner sends (probe.ts),
 * every name absolute, in the client's pod. A probe from outside runs on a machine outside the
 * cluster, which the runner plays in the simulator only.
 */
function probeCommandLine(probe: ProbeFile, namespaces: string[]): string {
  const [ns, pod] = probe.from.includes('/') ? probe.from.split('/', 2) : [namespaces[0], probe.from];
  const outside = probe.from === 'outside';
  const {argv, input} = probeInvocation(absoluteRequest(fileRequest(probe), outside ? undefined : ns, namespaces));
  const tool = argv.map(sh).join(' ');
  if (outside) return `# from a machine outside the cluster (simulator only: the runner does not play it on a cluster)\n${tool}`;
  // A gRPC call's message (five zero bytes: no compression, length 0) goes to curl's stdin.
  const stdin = input !== undefined ? `printf '${[...input].map((c) => `\\${c.charCodeAt(0).toString(8)}`).join('')}' | ` : '';
  return `${stdin}${['kubectl', '-n', ns, 'exec', ...(input !== undefined ? ['-i'] : []), pod, '--'].map(sh).join(' ')} ${tool}`;
}

/** The three ways to run a step, as shell text: the runner on kind, the simulator, plain kubectl. */
export interface RunStepTexts {
  runner: string;
  sim: string;
  kubectl: string;
}

/**
 * How to run one step, derived from lab.yaml so the commands list exactly the step's policies and
 * probes; the probes are the runner's own tool commands.
 */
export function runStepTexts(lab: LabFile, step: StepFile): RunStepTexts {
  const dir = `labs/${lab.id}`;
  const namespaces = lab.namespaces ?? [lab.namespace!];
  const ns = namespaces[0];

  const runner = [
    '# once: a local kind cluster with Cilium and Hubble',
    'npx netpol-labs up',
    '# apply exactly this step\'s policies, run its probes, compare with the table',
    `npx netpol-labs run ${lab.id} --step ${step.id} --target kind`,
  ].join('\n');

  const sim = [
    '# no cluster needed: predict the same probes from the same files',
    `npx netpol-labs run ${lab.id} --step ${step.id} --target sim`,
  ].join('\n');

  const probeLines = step.probes.map((probe) => {
    const body = probe.body ? `, body "${probe.body}"` : '';
    return `${probeCommandLine(probe, namespaces)}\n#   expect ${EXPECT_COMMENT[probe.expect]}${body}`;
  });

  // A step in policy audit mode: each pod's endpoint, switched in the agent on its node, as
  // Documentation/security/policy-creation.rst "Enable Policy Audit Mode (Specific Endpoint)" does it.
  const audit = (state: 'Enabled' | 'Disabled') =>
    namespaces.flatMap((n) => [
      `for pod in $(kubectl -n ${n} get pods -o jsonpath='{.items[*].metadata.name}'); do`,
      `  id=$(kubectl -n ${n} get ciliumendpoint "$pod" -o jsonpath='{.status.id}' 2>/dev/null)`,
      '  [ -n "$id" ] || continue   # a hostNetwork pod has no endpoint of its own',
      `  node=$(kubectl -n ${n} get pod "$pod" -o jsonpath='{.spec.nodeName}')`,
      `  agent=$(kubectl -n kube-system get pods -l k8s-app=cilium --field-selector spec.nodeName="$node" -o jsonpath='{.items[0].metadata.name}')`,
      `  kubectl -n kube-system exec "$agent" -c cilium-agent -- cilium-dbg endpoint config "$id" PolicyAuditMode=${state}`,
      'done',
    ]);

  const kubectl = [
    '# the app, once',
    ...lab.app.map((file) => `kubectl apply -f ${dir}/${file}`),
    ...namespaces.flatMap((n) => [
      `kubectl -n ${n} wait --for=condition=Available deployment --all --timeout=180s`,
      `kubectl -n ${n} wait --for=condition=Ready pod --all --timeout=180s`,
    ]),
    '',
    '# this step\'s policies and no others: start from a clean slate',
    ...namespaces.map((n) => `kubectl -n ${n} delete networkpolicies.networking.k8s.io,ciliumnetworkpolicies.cilium.io --all`),
    ...(step.policies.length === 0
      ? ['# (this step has no policy)']
      : step.policies.map((file) => `kubectl apply -f ${dir}/${file}`)),
    'sleep 5   # let Cilium push the policy to the datapath',
    ...(step.policyAuditMode ? ['', '# policy audit mode for every pod of the lab, one endpoint at a time (only on a cluster of your own)', ...audit('Enabled')] : []),
    '',
    '# the probes',
    ...probeLines,
    ...(step.policyAuditMode ? ['', '# then enforce again: policy audit mode off', ...audit('Disabled')] : []),
  ].join('\n');

  return {runner, sim, kubectl};
}
