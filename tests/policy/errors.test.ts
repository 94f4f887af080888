// Bad input: what the API server or Cilium would reject, and scenario mistakes, reported as
// file:line:col with the exact text a user sees. Rejection rules: K-API ValidateIPBlock (except
// must be a strict subset of cidr), K-API endPort doc (needs a numeric port), rule_test.go
// TestPolicyEntityValidation and entity.go EntitySelectorMapping (unknown entity), C-XDS (RE2 regexes for Envoy), layer7.rst (one L7
// protocol per port), strict field validation (unknown field).
import {describe, expect, it} from 'vitest';
import {formatError, parsePolicyDocuments, parseScenario} from '../../src/policy';
import {simulateCli} from '../cli-harness';

const np = (body: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  podSelector: {}\n${body}`;
const cnp = (body: string) => `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  endpointSelector: {}\n${body}`;

function errors(text: string) {
  return parsePolicyDocuments(text, 'p.yaml').errors.map((e) => `${e.code} ${formatError(e)}`);
}

describe('policies the API server or Cilium would reject', () => {
  it('except outside the cidr', () => {
    expect(errors(np('  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/16\n        except: [10.1.0.0/24]\n'))).toEqual([
      'except-outside-cidr p.yaml:10:18: spec.ingress[0].from[0].ipBlock.except[0] "10.1.0.0/24" is not inside ipBlock.cidr "10.0.0.0/16"; an except entry must be a strict subset of the cidr',
    ]);
  });
  it('endPort with a named port', () => {
    expect(errors(np('  ingress:\n  - ports:\n    - port: http\n      endPort: 90\n'))).toEqual([
      'endport-needs-number p.yaml:9:16: spec.ingress[0].ports[0].endPort needs a numeric port; endPort cannot be used with the named port "http"',
    ]);
  });
  it('unknown entity, with the closest name', () => {
    expect(errors(cnp('  ingress:\n  - fromEntities: [wrold]\n'))).toEqual([
      'unknown-entity p.yaml:7:20: spec.ingress[0].fromEntities[0] is "wrold", which is not a valid entity; use "all", "world", "world-ipv4", "world-ipv6", "cluster", "host", "remote-node", "kube-apiserver", "ingress", "health", "init", "unmanaged" or "none" (did you mean "world"?)',
    ]);
  });
  it('invalid regular expression', () => {
    expect(errors(cnp('  ingress:\n  - toPorts:\n    - ports: [{port: "80", protocol: TCP}]\n      rules:\n        http: [{path: "/v1/(("}]\n'))).toEqual([
      'invalid-regex p.yaml:10:23: spec.ingress[0].toPorts[0].rules.http[0].path "/v1/((" is not a valid RE2 regular expression (error parsing regexp: missing closing ): `/v1/((`); Envoy would refuse it',
    ]);
  });
  it('two L7 protocols on one port', () => {
    expect(errors(cnp('  egress:\n  - toPorts:\n    - ports: [{port: "53", protocol: ANY}]\n      rules:\n        http: [{}]\n        dns: [{matchPattern: "*"}]\n'))).toEqual([
      'l7-conflict p.yaml:10:9: spec.egress[0].toPorts[0].rules names http and dns; a port can carry only one L7 protocol, and Cilium refuses the whole policy (pkg/policy/api/rule_validation.go), so it would be in force nowhere ("multiple L7 protocol rule types specified in single rule"). Split it into separate toPorts entries on different ports',
    ]);
  });
  it('unknown field, with the closest name', () => {
    expect(errors(cnp('  ingress:\n  - fromEndpoint: [{}]\n'))).toEqual([
      'unknown-field p.yaml:7:5: unknown field "fromEndpoint" in spec.ingress[0] (a CiliumNetworkPolicy ingress rule); did you mean "fromEndpoints"?',
    ]);
  });
  it('malformed YAML', () => {
    expect(errors('apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x\nspec: {}\n')).toEqual([
      'yaml-syntax p.yaml:4:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }; fix the syntax at this position',
    ]);
  });
  it('a port written as a number in a Cilium policy (the CRD types it as a string)', () => {
    expect(errors(cnp('  ingress:\n  - toPorts:\n    - ports: [{port: 80}]\n'))).toEqual([
      'wrong-type p.yaml:8:22: spec.ingress[0].toPorts[0].ports[0].port must be text in a Cilium policy, not the number 80; quote it: "80"',
    ]);
  });
  it('other kinds are returned, not reported', () => {
    const r = parsePolicyDocuments('apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n' + np('  ingress: [{}]\n'), 'p.yaml');
    expect(r.errors).toEqual([]);
    expect(r.others.map((o) => o.kind)).toEqual(['Namespace']);
    expect(r.policies.map((p) => [p.name, p.source.line])).toEqual([['p', 5]]);
  });
});

// Label keys and values as the API server validates them (K-API IsQualifiedName,
// IsValidLabelValue): in selectors and in the cluster's labels. A Cilium key may carry a source.
describe('label keys and values', () => {
  const KEY = 'is not a valid label key; a key is a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, optionally after a DNS subdomain prefix and "/" (e.g. app, app.kubernetes.io/name)';
  const VALUE = 'is not a valid label value; a value is empty or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  it('in a NetworkPolicy selector: matchLabels key, matchExpressions key and value', () => {
    expect(errors(np('').replace('  podSelector: {}\n', '  podSelector:\n    matchLabels: {"bad key!": web}\n    matchExpressions: [{key: "a b", operator: In, values: [ok, "not ok"]}]\n'))).toEqual([
      `invalid-label p.yaml:6:19: spec.podSelector.matchLabels key "bad key!" ${KEY}`,
      `invalid-label p.yaml:7:30: spec.podSelector.matchExpressions[0].key "a b" ${KEY}`,
      `invalid-label p.yaml:7:64: spec.podSelector.matchExpressions[0].values[1] "not ok" ${VALUE}`,
    ]);
  });
  it('in a Cilium selector, after the source prefix', () => {
    const text = cnp('  ingress:\n  - fromEndpoints: [{matchLabels: {"k8s:bad key": x}}]\n').replace('endpointSelector: {}', 'endpointSelector: {matchLabels: {"k8s:io.kubernetes.pod.namespace": x, "any:app": web, "reserved:host": ""}}');
    expect(errors(text)).toEqual([`invalid-label p.yaml:7:36: spec.ingress[0].fromEndpoints[0].matchLabels key "k8s:bad key" ${KEY}, and in a Cilium selector optionally after a source such as "k8s:"`]);
  });
  it('in the cluster: namespace and pod labels', () => {
    const r = parseScenario('cluster:\n  namespaces: [{name: x, labels: {"team name": a}}]\n  pods:\n    - {namespace: x, name: a, labels: {app: "web server", "bad key!": x, "example.com/role": db}}\n', 's.yaml');
    expect(r.errors.map((e) => `${e.code} ${formatError(e)}`)).toEqual([
      `invalid-label s.yaml:2:35: cluster.namespaces[0].labels key "team name" ${KEY}`,
      `invalid-label s.yaml:4:45: cluster.pods[0].labels.app "web server" ${VALUE}`,
      `invalid-label s.yaml:4:59: cluster.pods[0].labels key "bad key!" ${KEY}`,
    ]);
  });
});

// YAML anchors and aliases: kubectl (sigs.k8s.io/yaml) resolves them, so the engine does too,
// keeping the yaml library's alias-count limit (maxAliasCount 100) against "billion laughs".
describe('YAML anchors and aliases', () => {
  const head = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n';
  it('an alias reads as the anchored value', () => {
    const r = parsePolicyDocuments(`${head}metadata: {name: p, namespace: x, labels: &labels {app: web}}\nspec:\n  podSelector:\n    matchLabels: *labels\n  ingress: [{}]\n`, 'p.yaml');
    expect(r.errors).toEqual([]);
    expect(r.policies[0].rules[0].subject?.selector).toEqual({matchLabels: {app: 'web'}, matchExpressions: []});
  });
  it('an aliased value of the wrong type: the error points at the alias use', () => {
    expect(errors(`${head}metadata: {name: p, namespace: x, labels: &labels [web]}\nspec:\n  podSelector:\n    matchLabels: *labels\n`)).toEqual([
      'wrong-type p.yaml:3:51: metadata.labels must be a mapping of names to text (labels), not a list',
      'wrong-type p.yaml:6:18: spec.podSelector.matchLabels must be a mapping of names to text (labels to match), not a list',
    ]);
  });
  it('an error inside an aliased value: the path of the use, the position of the anchored text', () => {
    expect(errors(`${head}metadata: {name: p, namespace: x}\nspec:\n  podSelector:\n    matchLabels: &l {app: 80}\n  ingress: [{from: [{podSelector: {matchLabels: *l}}]}]\n`)).toEqual([
      'wrong-type p.yaml:6:27: spec.podSelector.matchLabels.app must be text (labels to match), not the number 80; quote it: "80"',
      'wrong-type p.yaml:6:27: spec.ingress[0].from[0].podSelector.matchLabels.app must be text (labels to match), not the number 80; quote it: "80"',
    ]);
  });
  it('a billion-laughs document is refused at its first alias', () => {
    const row = (name: string, item: string) => `${name}: &${name} [${Array(9).fill(item).join(', ')}]\n`;
    const text = row('a', 'x') + row('b', '*a') + row('c', '*b') + row('d', '*c') + row('e', '*d') + row('f', '*e');
    const message = 'the YAML aliases of this document expand past the reader\'s limit (maxAliasCount 100), which it refuses as a resource exhaustion attack ("billion laughs"); write the values out or use fewer aliases';
    expect(errors(text)).toEqual([`yaml-alias p.yaml:2:8: ${message}`]);
    expect(parseScenario(text, 's.yaml').errors.map(formatError)).toEqual([`s.yaml:2:8: ${message}`]);
  });
  it('an alias with no anchor', () => {
    expect(errors(`${head}metadata: {name: p, namespace: *ns}\n`)).toEqual([
      'yaml-alias p.yaml:3:32: an alias *ns has no anchor &ns before it; mark the value it repeats with &ns first',
    ]);
  });
  it('a scenario with aliases in the cluster and probes', () => {
    const r = parseScenario('cluster:\n  namespaces: [{name: x}]\n  pods:\n    - {namespace: x, name: a, labels: &web {app: web}}\n    - {namespace: x, name: b, labels: *web}\nprobes:\n  - {from: &a {pod: x/a}, to: {pod: x/b}, port: 80}\n  - {from: *a, to: {pod: x/b}, port: 81}\n', 's.yaml');
    expect(r.errors).toEqual([]);
    expect(r.scenario!.cluster.pods.map((p) => p.labels)).toEqual([{app: 'web'}, {app: 'web'}]);
    expect(r.scenario!.probes.map((p) => p.from)).toEqual([{pod: 'x/a'}, {pod: 'x/a'}]);
  });
});

describe('scenario mistakes', () => {
  const cluster = 'cluster:\n  namespaces: [{name: x}]\n  pods:\n    - {namespace: x, name: a}\n';
  it('a probe naming a pod that does not exist', () => {
    const r = parseScenario(`${cluster}probes:\n  - {from: {pod: x/a}, to: {pod: x/b}, port: 80}\n`, 's.yaml');
    expect(r.errors.map(formatError)).toEqual(['s.yaml:6:34: probes[0].to.pod names pod "x/b", which does not exist; did you mean "x/a"?']);
  });
  it('an unknown top-level field', () => {
    const r = parseScenario(`${cluster}probe: []\n`, 's.yaml');
    expect(r.errors.map(formatError)).toEqual(['s.yaml:5:1: unknown field "probe" in the document (a scenario: datapath, options, cluster, dnsCache, policies, probes, matrix); did you mean "probes"?']);
  });
  it('a pod in a namespace that is not listed', () => {
    const r = parseScenario('cluster:\n  namespaces: [{name: x}]\n  pods:\n    - {namespace: y, name: a}\n', 's.yaml');
    expect(r.errors.map(formatError)).toEqual(['s.yaml:4:19: namespace "y" is not listed under cluster.namespaces; add {name: y} there']);
  });
  it('an empty or comment-only file says so and names what a scenario needs', () => {
    const message = 's.yaml:1:1: the scenario file is empty (nothing but blank lines, comments or "---"); a scenario needs cluster (its namespaces and pods), policies and probes';
    for (const text of ['', '# a scenario\n\n# to come\n', '---\n']) expect(parseScenario(text, 's.yaml').errors.map(formatError), JSON.stringify(text)).toEqual([message]);
  });
  it('two documents are still refused as such', () => {
    expect(parseScenario('cluster: {}\n---\nprobes: []\n', 's.yaml').errors.map(formatError)).toEqual(['s.yaml:1:1: a scenario file holds exactly one document, not 2; remove the extra "---" separators']);
  });
  it('a namespaced policy without metadata.namespace (a scenario has no current namespace)', () => {
    const r = parseScenario(
      `${cluster}policies:\n  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: {name: deny}\n    spec: {podSelector: {}}\n` +
        '  - apiVersion: cilium.io/v2\n    kind: CiliumNetworkPolicy\n    metadata:\n      name: c\n    spec: {endpointSelector: {}}\n',
      's.yaml',
    );
    expect(r.errors.map(formatError)).toEqual([
      's.yaml:8:15: policies[0].metadata needs a "namespace" field: a NetworkPolicy is in force in one namespace, and a scenario has no current namespace to put it in',
      's.yaml:13:7: policies[1].metadata needs a "namespace" field: a CiliumNetworkPolicy is in force in one namespace, and a scenario has no current namespace to put it in',
    ]);
  });
  it('a policy in a namespace the cluster does not list', () => {
    const r = parseScenario(`${cluster}policies:\n  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: {name: deny, namespace: y}\n    spec: {podSelector: {}}\n`, 's.yaml');
    expect(r.errors.map(formatError)).toEqual(['s.yaml:8:39: namespace "y" is not listed under cluster.namespaces; add {name: y} there']);
  });
  it('outside scenarios a policy without namespace still takes the default namespace (the lab runner relies on it)', () => {
    const r = parsePolicyDocuments('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {}}\n', 'p.yaml', {defaultNamespace: 'lab'});
    expect(r.errors).toEqual([]);
    expect(r.policies[0].namespace).toBe('lab');
  });
  it('JSON scenarios get the same positions', () => {
    const r = parseScenario('{\n  "cluster": {"namespaces": [], "pods": []},\n  "probes": [{"from": {"pod": "x/a"}, "to": {"ip": "8.8.8.8"}, "port": 80}]\n}\n', 's.json');
    expect(r.errors.map(formatError)).toEqual(['s.json:3:31: probes[0].from.pod names pod "x/a", which does not exist; write namespace/name of a pod under cluster.pods']);
  });
});

// Probes that cannot be evaluated are reported by parseScenario, with the probe's path and the
// position of the field at fault, so that nothing of the file is evaluated.
describe('probes that do not resolve are reported when the scenario is read', () => {
  const cluster =
    'cluster:\n  namespaces: [{name: x}]\n  pods:\n    - {namespace: x, name: a}\n' +
    '    - {namespace: x, name: b, labels: {pod: b}, containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}\n' +
    '  services:\n    - {namespace: x, name: s, selector: {pod: b}, ports: [{port: 80}]}\n    - {namespace: x, name: none, selector: {pod: zz}, ports: [{port: 80}]}\n';
  const probeErrors = (probe: string) => parseScenario(`${cluster}probes:\n  - ${probe}\n`, 's.yaml').errors.map((e) => `${e.code} ${formatError(e)}`);
  it('port: with no value is no port', () => {
    expect(probeErrors('{from: {pod: x/a}, to: {pod: x/b}, port: }')).toEqual(['missing-field s.yaml:10:5: probes[0] needs port (a number) or portName, unless protocol is ICMP']);
  });
  it('a port the Service does not have', () => {
    expect(probeErrors('{from: {pod: x/a}, to: {service: x/s}, port: 81}')).toEqual(['unknown-reference s.yaml:10:50: probes[0]: service x/s has no TCP port 81; its ports are 80 (80/TCP)']);
  });
  it('a Service with no backend', () => {
    expect(probeErrors('{from: {pod: x/a}, to: {service: x/none}, port: 80}')).toEqual([
      "no-backend s.yaml:10:28: probes[0]: service x/none selects no pods, so it has no backend to evaluate; check its selector against the pods' labels",
    ]);
  });
  it('a portName the destination pod does not declare', () => {
    expect(probeErrors('{from: {pod: x/a}, to: {pod: x/b}, portName: htp}')).toEqual(['unresolved-port s.yaml:10:50: probes[0]: pod x/b has no container port named "htp"; its named ports are http']);
  });
  it('CLI: a file with one bad probe prints none of its verdicts, only the error; the other file is printed', async () => {
    const files: Record<string, string> = {
      'bad.yaml': `${cluster}probes:\n  - {from: {pod: x/a}, to: {pod: x/b}, port: 80}\n  - {from: {pod: x/a}, to: {service: x/s}, port: 81}\n`,
      'good.yaml': `${cluster}probes:\n  - {from: {pod: x/a}, to: {pod: x/b}, port: 80}\n`,
    };
    let out = '';
    let err = '';
    const code = await simulateCli(['bad.yaml', 'good.yaml'], {readFile: (p) => files[p], stdout: (t) => (out += t), stderr: (t) => (err += t)});
    expect(code).toBe(2);
    expect(err).toBe('bad.yaml:11:50: probes[1]: service x/s has no TCP port 81; its ports are 80 (80/TCP)\n');
    expect(out).toBe(
      'good.yaml (datapath cilium)\n  probe 0: x/a -> x/b TCP/80: allowed -- ingress: allowed: ingress to x/b: no policy isolates x/b for ingress, so everything is allowed\n',
    );
  });
});

// A portName takes the protocol of the port it names when the probe gives none, and a probe that
// gives another protocol is an error: the protocol printed is the protocol evaluated.
describe('portName and protocol', () => {
  const cluster =
    'cluster:\n  namespaces: [{name: x}]\n  pods:\n    - {namespace: x, name: a}\n' +
    '    - {namespace: x, name: b, labels: {pod: b}, containers: [{name: c, ports: [{name: dns, containerPort: 53, protocol: UDP}]}]}\n' +
    '  services:\n    - {namespace: x, name: s, selector: {pod: b}, ports: [{name: dns, port: 53, protocol: UDP}]}\n';
  const probeErrors = (probe: string) => parseScenario(`${cluster}probes:\n  - ${probe}\n`, 's.yaml').errors.map((e) => `${e.code} ${formatError(e)}`);
  it('a probe protocol other than the named pod port\'s is an error at the probe', () => {
    expect(probeErrors('{from: {pod: x/a}, to: {pod: x/b}, portName: dns, protocol: TCP}')).toEqual([
      'invalid-probe s.yaml:9:5: probes[0]: port "dns" of pod x/b is UDP; set protocol: UDP or name a TCP port',
    ]);
  });
  it('the same for a Service port name', () => {
    expect(probeErrors('{from: {pod: x/a}, to: {service: x/s}, portName: dns, protocol: TCP}')).toEqual([
      'invalid-probe s.yaml:9:5: probes[0]: port "dns" of service x/s is UDP; set protocol: UDP or name a TCP port',
    ]);
  });
  it('a Service port name that does not exist', () => {
    expect(probeErrors('{from: {pod: x/a}, to: {service: x/s}, portName: dn}')).toEqual(['unknown-reference s.yaml:9:54: probes[0]: service x/s has no port named "dn"; its ports are dns (53/UDP)']);
  });
  it('without protocol, the named port\'s protocol is evaluated and printed', async () => {
    const text = `${cluster}probes:\n  - {from: {pod: x/a}, to: {pod: x/b}, portName: dns}\n  - {from: {pod: x/a}, to: {service: x/s}, portName: dns}\n`;
    expect(parseScenario(text, 's.yaml').scenario!.probes.map((p) => p.protocol)).toEqual(['UDP', 'UDP']);
    let out = '';
    expect(await simulateCli(['s.yaml'], {readFile: () => text, stdout: (t) => (out += t), stderr: () => {}})).toBe(0);
    expect(out.split('\n').filter((l) => l.includes('probe ')).map((l) => l.split(': allowed')[0])).toEqual(['  probe 0: x/a -> x/b UDP/dns', '  probe 1: x/a -> service x/s UDP/dns']);
  });
});

describe('CLI: an error in one file does not stop the others', () => {
  it('prints file:line:col, evaluates the good file, exits 2', async () => {
    const files: Record<string, string> = {
      'good.yaml': 'cluster:\n  namespaces: [{name: x}]\n  pods:\n    - {namespace: x, name: a}\n    - {namespace: x, name: b}\nprobes:\n  - {from: {pod: x/a}, to: {pod: x/b}, port: 80}\n',
      'bad.yaml': 'cluster:\n  namespaces: [{name: x}]\n  pods: [{namespace: x, name: a}]\nprobes:\n  - {from: {pod: x/a}, to: {pod: x/zz}, port: 80}\n',
    };
    let out = '';
    let err = '';
    const code = await simulateCli(['--json', 'bad.yaml', 'good.yaml', 'missing.yaml'], {
      readFile: (p) => {
        if (!(p in files)) throw Object.assign(new Error('ENOENT'), {code: 'ENOENT'});
        return files[p];
      },
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
    });
    expect(code).toBe(2);
    expect(err).toBe(
      'bad.yaml:5:34: probes[0].to.pod names pod "x/zz", which does not exist; write namespace/name of a pod under cluster.pods\n' +
        'missing.yaml:1:1: cannot read the scenario file (no such file); check the path\n',
    );
    const doc = JSON.parse(out);
    expect(doc.scenarios.map((s: {file: string}) => s.file)).toEqual(['bad.yaml', 'good.yaml', 'missing.yaml']);
    expect(doc.scenarios[1].results[0]).toMatchObject({probe: 0, verdict: 'allowed', ingress: 'allowed', egress: 'allowed'});
  });
  it('rejects an unknown option with usage and exit 2', async () => {
    let err = '';
    expect(await simulateCli(['--jsn', 'a.yaml'], {readFile: () => '', stdout: () => {}, stderr: (t) => (err += t)})).toBe(2);
    expect(err.split('\n')[0]).toBe("netpol-labs simulate: Unknown option '--jsn'");
  });
});
