import React from 'react';
import CodeBlock from '@theme/CodeBlock';
import Tabs from '@theme/Tabs';
import TabItem from '@theme/TabItem';
import {fileRequest} from '@site/src/lab/probe-request';
import type {LabFile, ProbeFile} from '@site/src/lab/schema';
import {stepOf} from '@site/src/components/ProbeTable/labText';
import styles from './styles.module.css';

export interface RunStepProps {
  /** The lab, imported validated with `import lab from '@site/labs/<lab>/lab.yaml?lab'`. */
  lab: LabFile;
  /** The step id in lab.yaml. An unknown id fails the build. */
  step: string;
}

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

/** The tool command a probe runs in its client, as a reader would type it. */
function toolWords(probe: ProbeFile): string[] {
  const request = fileRequest(probe);
  switch (request.kind) {
    case 'http':
      return [
        'curl', '-sS', '--connect-timeout', '2',
        ...(request.method === 'GET' ? [] : [`-X${request.method}`]),
        ...(request.host ? ['-H', `Host: ${request.host}`] : []),
        ...Object.entries(request.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
        request.url,
      ];
    case 'grpc':
      // One empty message (a zero flag byte and a zero length) comes on stdin: see the printf below.
      return ['curl', '-sS', '--http2-prior-knowledge', '-H', 'content-type: application/grpc', '-H', 'te: trailers', '--data-binary', '@-', '--dump-header', '-', '--output', '/dev/null', request.url];
    case 'tcp':
      return ['nc', '-zv', '-w', '2', request.host, String(request.port)];
    case 'dns':
      return ['dig', '+time=2', '+tries=1', request.name];
    case 'icmp':
      return ['ping', '-c', '1', '-W', '2', request.host];
  }
}

/** The command that runs a probe by hand: in the client pod, or on a machine outside the cluster. */
function probeCommandLine(probe: ProbeFile, defaultNamespace: string): string {
  const tool = toolWords(probe).map(sh).join(' ');
  if (probe.from === 'outside') return `# on a machine outside the cluster (Service names: use a node's address and the node port)
${tool}`;
  const [ns, pod] = probe.from.includes('/') ? probe.from.split('/', 2) : [defaultNamespace, probe.from];
  const stdin = probe.grpc ? `printf '\\0\\0\\0\\0\\0' | ` : '';
  return `${stdin}${['kubectl', '-n', ns, 'exec', ...(probe.grpc ? ['-i'] : []), pod, '--'].map(sh).join(' ')} ${tool}`;
}

/**
 * How to run one step: with the netpol-labs runner on kind, with the simulator, or by hand with
 * kubectl. Everything is derived from lab.yaml, so the commands list exactly the step's
 * policies and probes.
 */
export default function RunStep({lab, step: stepId}: RunStepProps): React.ReactNode {
  const step = stepOf(lab, stepId, 'RunStep');
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
    return `${probeCommandLine(probe, ns)}\n#   expect ${EXPECT_COMMENT[probe.expect]}${body}`;
  });

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
    '',
    '# the probes',
    ...probeLines,
  ].join('\n');

  return (
    <div className={styles.run} data-testid="run-step" data-step={step.id}>
      <Tabs groupId="run-target">
        <TabItem value="kind" label="Runner on kind" default>
          <CodeBlock language="bash" title="run on a local kind cluster">
            {runner}
          </CodeBlock>
        </TabItem>
        <TabItem value="kubectl" label="Plain kubectl">
          <CodeBlock language="bash" title={`by hand, on any cluster with Cilium (from the repository root)`}>
            {kubectl}
          </CodeBlock>
        </TabItem>
        <TabItem value="sim" label="No cluster (simulator)">
          <CodeBlock language="bash" title="predict the outcomes without a cluster">
            {sim}
          </CodeBlock>
        </TabItem>
      </Tabs>
    </div>
  );
}
