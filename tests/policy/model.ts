// The 3x3 model of the Kubernetes netpol e2e suite (kubernetes/kubernetes
// test/e2e/network/netpol/model.go): namespaces x, y, z labelled ns=<name>; pods a, b, c
// labelled pod=<name>, each serving TCP and UDP on ports 80 and 81 with container ports named
// serve-<port>-<proto> (probe.go, model.go). Shared by the case tables and property tests.
import type {Cluster, Pod, PolicyObject, Probe, Scenario} from '../../src/policy';
import {evaluateMatrix, compile, parsePolicyDocuments} from '../../src/policy';

export const NAMESPACES = ['x', 'y', 'z'];
export const PODS = ['a', 'b', 'c'];

/** The e2e model, with pods spread over two nodes and deterministic IPs (10.244.<ns>.<pod>). */
export function e2eCluster(extraPods: Pod[] = []): Cluster {
  const pods: Pod[] = [];
  NAMESPACES.forEach((ns, i) =>
    PODS.forEach((p, j) =>
      pods.push({
        namespace: ns,
        name: p,
        labels: {pod: p},
        ip: `10.244.${i + 1}.${j + 10}`,
        node: j % 2 === 0 ? 'node-1' : 'node-2',
        containers: [
          {
            name: 'cont',
            ports: [80, 81].flatMap((port) =>
              (['TCP', 'UDP'] as const).map((protocol) => ({name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol})),
            ),
          },
        ],
      }),
    ),
  );
  return {
    namespaces: NAMESPACES.map((ns) => ({name: ns, labels: {ns}})),
    nodes: [
      {name: 'node-1', ip: '172.18.0.2', labels: {role: 'worker-1'}},
      {name: 'node-2', ip: '172.18.0.3', labels: {role: 'worker-2'}},
    ],
    pods: [...pods, ...extraPods],
  };
}

/** Parses policy YAML written in a test; fails the test on any error. */
export function policies(yaml: string): PolicyObject[] {
  const r = parsePolicyDocuments(yaml, 'test.yaml');
  if (r.errors.length > 0) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.policies;
}

/**
 * The truth table on one port as rows of `.`/`X` (from = row, to = column, self = `-`), the way
 * the e2e suite prints reachability.
 */
export function table(scenario: Pick<Scenario, 'cluster' | 'policies' | 'options' | 'datapath'>, port = 80, protocol: 'TCP' | 'UDP' | 'SCTP' = 'TCP'): string[] {
  const model = compile(scenario);
  const [m] = evaluateMatrix(model, [{port, protocol}], {cells: true});
  const keys = model.cluster.pods.map((p) => p.key);
  const grid = new Map(m.cells!.map((c) => [`${c.from}>${c.to}`, c.verdict === 'allowed' ? '.' : 'X']));
  return keys.map((from) => `${from.padEnd(4)}${keys.map((to) => (from === to ? '-' : grid.get(`${from}>${to}`))).join('')}`);
}

/**
 * Builds the expected table like the e2e Reachability helper: everything `allowed` by default,
 * then `expect(from, to, allowed)` exceptions where from/to are pod keys or namespace prefixes (`x/`) or '*'.
 */
export function reachability(defaultAllowed: boolean, exceptions: [string, string, boolean][], cluster = e2eCluster()): string[] {
  const keys = cluster.pods.map((p) => `${p.namespace}/${p.name}`);
  const hit = (pattern: string, key: string) => pattern === '*' || pattern === key || (pattern.endsWith('/') && key.startsWith(pattern));
  return keys.map((from) => {
    let row = `${from.padEnd(4)}`;
    for (const to of keys) {
      if (from === to) {
        row += '-';
        continue;
      }
      let v = defaultAllowed;
      for (const [f, t, allowed] of exceptions) if (hit(f, from) && hit(t, to)) v = allowed;
      row += v ? '.' : 'X';
    }
    return row;
  });
}

/** A probe between two pods of the model. */
export function probe(from: string, to: string, port = 80, protocol: Probe['protocol'] = 'TCP'): Probe {
  return {from: {pod: from}, to: {pod: to}, port, protocol};
}
