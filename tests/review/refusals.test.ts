// What a Cilium 1.20 cluster refuses, the simulator refuses: every fixture under
// tests/fixtures/refused/ runs through the real CLI next to a valid scenario. Each must end with
// exit code 2 and `file:line:col:` at the field at fault on stderr, with a message that names the
// field, while the valid file of the same call is still evaluated.
//
// The refusals are Cilium's own checks, cilium/cilium pkg/policy/api/rule_validation.go (main,
// the code of 1.20: Rule.Validate, IngressRule/EgressRule.Validate, PortRule.Validate,
// PortProtocol.Validate, L7Rules.Validate, CIDRRule.Validate) and pkg/policy/api/fqdn.go (DNS names
// and patterns); the entity list is
// pkg/policy/api/entity.go EntitySelectorMapping. Removed fields: kafka, l7proto and l7 left the
// CRD in 1.20 (cilium/cilium PR #43557, PR #44610), fromRequires/toRequires in 1.19
// (Documentation/security/policy/layer3.rst "Additional Label Requirements").
import {execFile} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const TIMEOUT = 120_000;
const GOOD = 'tests/fixtures/scenarios/deathstar-l7.yaml';

function simulate(files: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/netpol-labs.mjs', 'simulate', '--json', ...files], {cwd: ROOT, encoding: 'utf8', timeout: TIMEOUT}, (err, stdout, stderr) => {
      const code = err ? (err as unknown as {code: unknown}).code : 0;
      resolve({code: typeof code === 'number' ? code : null, stdout, stderr});
    });
  });
}

/** 1-based line and column of `token` on the only line of `file` that contains `line`. */
function positionOf(file: string, line: string, token: string): {line: number; col: number} {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(line) ? [i] : []));
  expect(hits, `exactly one line of ${file} contains ${line}`).toHaveLength(1);
  const col = lines[hits[0]].indexOf(token, lines[hits[0]].indexOf(line));
  expect(col, `${token} on that line`).toBeGreaterThanOrEqual(0);
  return {line: hits[0] + 1, col: col + 1};
}

interface Refusal {
  /** Fixture name under tests/fixtures/refused/. */
  name: string;
  /** The line of the fixture where the error is, and the text it starts at. */
  line: string;
  at: string;
  /** Words the message must hold: the field at fault, and what it says about Cilium. */
  says: string[];
}

const CILIUM_REFUSES = 'Cilium refuses the whole policy';
const REMOVED = ['kubectl apply (strict field validation) rejects', 'pruned with only a warning'];

const REFUSALS: Refusal[] = [
  {name: 'both-selectors', line: 'nodeSelector: {matchLabels: {role: worker}}', at: '{matchLabels', says: ['endpointSelector', 'nodeSelector', CILIUM_REFUSES]},
  {name: 'no-selector', line: 'ingress: [{}]', at: 'ingress', says: ['"endpointSelector"', CILIUM_REFUSES]},
  {name: 'no-rules', line: 'endpointSelector: {matchLabels: {app: b}}', at: 'endpointSelector', says: ['ingress, ingressDeny, egress and egressDeny', CILIUM_REFUSES, 'ingress: [{}]']},
  {name: 'l7-host-policy', line: 'rules: {http: [{method: GET}]}', at: '[{method', says: ['rules.http', 'host policy', CILIUM_REFUSES]},
  {name: 'l3-endpoints-entities', line: 'fromEntities: [world]', at: '[world]', says: ['fromEndpoints and fromEntities', CILIUM_REFUSES]},
  {name: 'l3-fqdns-endpoints', line: 'toFQDNs: [{matchName: example.com}]', at: '[{matchName', says: ['toEndpoints and toFQDNs', CILIUM_REFUSES]},
  {name: 'dns-ingress', line: 'rules: {dns: [{matchPattern: "*"}]}', at: '[{matchPattern', says: ['rules.dns', 'egress', CILIUM_REFUSES]},
  {name: 'icmps-toports', line: 'icmps: [{fields: [{type: 8}]}]', at: '[{fields', says: ['icmps and toPorts', CILIUM_REFUSES]},
  {name: 'http-udp', line: 'ports: [{port: "80", protocol: UDP}]', at: 'UDP', says: ['protocol UDP', 'only to TCP', CILIUM_REFUSES, 'protocol: TCP']},
  {name: 'http-any', line: 'ports: [{port: "80"}]', at: '{port', says: ['without a protocol, which is ANY', CILIUM_REFUSES, 'protocol: TCP']},
  {name: 'l7-port-zero', line: 'ports: [{port: "0", protocol: TCP}]', at: '"0"', says: ['ports[0].port', 'L7 rules', CILIUM_REFUSES]},
  {name: 'port-missing', line: 'toPorts: [{ports: [{protocol: TCP}]}]', at: '{protocol', says: ['ports[0] has no port', CILIUM_REFUSES, 'port: "0"']},
  {name: 'dns-no-ports', line: 'rules: {dns: [{matchPattern: "*"}]}', at: '[{matchPattern', says: ['rules.dns', 'DNS port', CILIUM_REFUSES]},
  {name: 'dns-port-range', line: 'ports: [{port: "53", endPort: 60, protocol: UDP}]', at: '60', says: ['endPort', 'not a range', CILIUM_REFUSES]},
  {name: 'two-l7-protocols', line: 'rules: {http: [{}], dns: [{matchPattern: "*"}]}', at: '{http', says: ['http and dns', CILIUM_REFUSES]},
  {name: 'except-outside-cidr', line: 'toCIDRSet: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]', at: '192.168.0.0/16', says: ['except[0]', 'not inside cidr']},
  {name: 'unknown-entity', line: 'fromEntities: [wrld]', at: 'wrld', says: ['fromEntities[0]', 'not a valid entity', 'did you mean "world"']},
  {name: 'from-nodes', line: 'fromNodes: [{matchLabels: {role: worker}}]', at: '[{matchLabels', says: ['fromNodes', 'enable-node-selector-labels', 'fromEntities']},
  {name: 'too-many-ports', line: 'ports: [{port: "8000"', at: '[{port', says: ['41 ports', CILIUM_REFUSES]},
  {name: 'removed-kafka', line: 'rules: {kafka: [{topic: deathstar-plans}]}', at: '[{topic', says: ['rules.kafka', 'removed', 'Cilium 1.20', 'L4 allow', ...REMOVED]},
  {name: 'removed-l7proto', line: 'rules: {l7proto: binarymemcache, l7: [{cmd: get}]}', at: 'binarymemcache', says: ['rules.l7proto', 'removed', 'Cilium 1.20', 'L4 allow', ...REMOVED]},
  {name: 'removed-l7', line: 'rules: {l7: [{cmd: get}]}', at: '[{cmd', says: ['rules.l7', 'removed', 'Cilium 1.20', 'L4 allow', ...REMOVED]},
  {name: 'removed-fromrequires', line: 'fromRequires: [{matchLabels: {env: prod}}]', at: '[{matchLabels', says: ['fromRequires', 'removed', 'Cilium 1.19', ...REMOVED]},
  {name: 'removed-torequires', line: 'toRequires: [{matchLabels: {env: prod}}]', at: '[{matchLabels', says: ['toRequires', 'removed', 'Cilium 1.19', ...REMOVED]},
  // pkg/policy/api/fqdn.go: FQDNSelector.sanitize (toFQDNs) and PortRuleDNS.Sanitize (DNS rules).
  {name: 'fqdn-both', line: 'toFQDNs: [{matchName: example.com, matchPattern: "*.example.com"}]', at: '"*.example.com"', says: ['toFQDNs[0] has both matchName and matchPattern', CILIUM_REFUSES, 'two entries']},
  {name: 'fqdn-name-chars', line: 'toFQDNs: [{matchName: "api.example.com/v1"}]', at: '"api.example.com/v1"', says: ['toFQDNs[0].matchName', 'Invalid characters in MatchName', CILIUM_REFUSES]},
  {name: 'fqdn-pattern-chars', line: 'toFQDNs: [{matchPattern: "(api|www).example.com"}]', at: '"(api|www)', says: ['toFQDNs[0].matchPattern', 'Invalid characters in MatchPattern', CILIUM_REFUSES, 'not a regular expression']},
  {name: 'dns-rule-name-chars', line: 'rules: {dns: [{matchName: "api example.com"}]}', at: '"api example.com"', says: ['rules.dns[0].matchName', 'Invalid characters in MatchName', CILIUM_REFUSES]},
  // layer3.rst "Services based": a Service without a selector stands for the addresses of its
  // EndpointSlices, which a scenario cannot describe.
  {name: 'selectorless-service', line: 'toServices: [{k8sService: {serviceName: external-db}}]', at: '{k8sService', says: ['toServices', 'x/external-db', 'no selector']},
];

describe.concurrent('refused like Cilium 1.20: exit 2, file:line:col at the field, the other file still evaluated', () => {
  for (const r of REFUSALS) {
    it(r.name, async () => {
      const file = `tests/fixtures/refused/${r.name}.yaml`;
      const run = await simulate([file, GOOD]);
      expect(run.code).toBe(2);
      const {line, col} = positionOf(file, r.line, r.at);
      const message = run.stderr.split('\n').find((l) => l.startsWith(`${file}:${line}:${col}: `));
      expect(message, `an error at ${file}:${line}:${col} in:\n${run.stderr}`).toBeDefined();
      for (const words of r.says) expect(message).toContain(words);
      // The refused file gets no verdict; the valid one next to it is evaluated (Cilium's star-wars
      // guide: POST lands, PUT gets 403, the xwing is dropped).
      const out = JSON.parse(run.stdout);
      expect(out.cilium).toBe('1.20');
      const [bad, good] = out.scenarios;
      expect(bad.results).toEqual([]);
      expect(good.file).toBe(GOOD);
      expect(good.results.map((x: {verdict: string}) => x.verdict)).toEqual(['allowed', 'l7-denied', 'dropped']);
    }, TIMEOUT);
  }
});

describe('simulate --help', () => {
  it('says which Cilium release the engine models', async () => {
    const run = await simulate(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('models Cilium 1.20');
  }, TIMEOUT);
});
