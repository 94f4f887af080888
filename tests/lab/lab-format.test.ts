/**
 * The lab format beyond HTTP: every probe kind, outcome and source, a lab in two namespaces, and
 * the loader's refusals for probes a cluster could not run or judge. The fixture lab
 * tests/fixtures/lab-format/labs/outpost states each expected outcome with its reason (the `why`
 * of each probe, from the Cilium documentation cited below); the simulator must agree with all.
 */
import {describe, expect, it} from 'vitest';
import {formatLabError, parseLab} from '../../src/lab';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {OUTCOMES} from '../../src/lab/outcome';
import {simulateStep} from '../../src/lab/simulate-step';
import {stepScenario} from '../../src/lab/to-scenario';
import {OUTPOST_DIR, OUTPOST_TEXT, readOutpostFile} from './outpost-fixture';

const DIR = OUTPOST_DIR;
const lab = readLabOrThrow(DIR);
const TEXT = OUTPOST_TEXT;
const read = readOutpostFile;

/** Loads a variant of the fixture's lab.yaml; the formatted errors. */
function load(text: string): string[] {
  const {lab: loaded, errors} = parseLab(text, `${DIR}/lab.yaml`, read, 'outpost');
  return loaded ? [] : errors.map(formatLabError);
}

/** `file:line:col` of a character offset of lab.yaml (1-based line and column). */
function position(text: string, index: number): string {
  const before = text.slice(0, index);
  return `${DIR}/lab.yaml:${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`;
}

/** `file:line:col` of the first occurrence of `needle` in `text`, where an error should point. */
function at(text: string, needle: string): string {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`fixture text has no ${needle}`);
  return position(text, index);
}

describe('the outpost test lab', () => {
  const probes = lab.steps.flatMap((s) => s.probes);

  it('covers every probe kind, every outcome, pods of two namespaces and outside', () => {
    expect(new Set(probes.map((p) => p.kind))).toEqual(new Set(['http', 'grpc', 'tcp', 'dns', 'icmp']));
    expect(new Set(probes.map((p) => p.expect))).toEqual(new Set(OUTCOMES));
    expect(new Set(probes.map((p) => (p.source.kind === 'pod' ? p.source.namespace : p.source.kind)))).toEqual(new Set(['empire', 'rebels', 'outside']));
    // A node as the source: a host-network pod (the patrol, on the worker) probes as its node.
    expect(probes.filter((p) => p.source.kind === 'pod' && p.source.hostNetwork).map((p) => [p.from, p.expect])).toEqual([
      ['patrol', 'allowed'],
      ['patrol', 'dropped'],
    ]);
    expect(lab.namespaces).toEqual(['empire', 'rebels']);
  });

  it('resolves each kind of host: a Service, a headless Service, a name under names, an address', () => {
    const open = lab.steps[0].probes;
    expect(open[0].target).toMatchObject({service: 'deathstar', namespace: 'empire', port: 80, path: '/v1', resolvesName: true});
    expect(open[3].target).toMatchObject({service: 'probes', namespace: 'empire', resolvesName: true});
    const fqdn = lab.steps.find((s) => s.id === 'fqdn-egress')!.probes;
    const byLabel = (label: string) => fqdn.find((p) => p.label === label)!;
    expect(byLabel('GET /').target).toMatchObject({host: 'mos-eisley.example', ips: ['172.30.0.50'], resolvesName: true});
    expect(byLabel('TCP 172.30.0.51:80').target).toMatchObject({host: '172.30.0.51', ips: ['172.30.0.51'], resolvesName: false});
  });

  it('models the cluster DNS every cluster has: kube-system/kube-dns in front of CoreDNS pods labelled k8s-app=kube-dns', () => {
    // kubeadm's CoreDNS addon (kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go).
    const {cluster} = stepScenario(lab, lab.steps[0]).scenario;
    const dns = cluster.services!.find((s) => s.namespace === 'kube-system' && s.name === 'kube-dns')!;
    expect(dns.selector).toEqual({'k8s-app': 'kube-dns'});
    expect(dns.ports.map((p) => `${p.port}/${p.protocol}`)).toEqual(['53/UDP', '53/TCP', '9153/TCP']);
    expect(cluster.pods.find((p) => p.namespace === 'kube-system')).toMatchObject({labels: {'k8s-app': 'kube-dns'}, serviceAccount: 'coredns'});
  });

  // The expected outcomes are lab.yaml's; their reasons, from the Cilium documentation:
  // - an egress policy without a rule to kube-dns drops the lookup, so the name never resolves
  //   (Documentation/security/dns.rst: DNS must be allowed for toFQDNs and names to work);
  // - a DNS rule that matches no name makes the proxy answer REFUSED (dns.rst, tofqdns-dns-reject-response-code);
  //   `*` in matchPattern stands for one label (Documentation/security/policy/layer7.rst "DNS Policy and IP Discovery");
  // - toFQDNs allows the addresses the DNS proxy saw in answers (layer3.rst "DNS based");
  // - HTTP rules refuse with 403 and gRPC methods are HTTP/2 POST paths (Documentation/security/grpc.rst);
  // - icmps rules admit ICMP echo (layer4.rst, ICMP rules); world is any address outside the cluster.
  for (const step of lab.steps) {
    it(`step ${step.id}: the simulator predicts every probe as lab.yaml expects`, () => {
      const {predictions, errors} = simulateStep(lab, step);
      expect(errors).toEqual([]);
      const got = predictions.map((p) => `${step.probes[p.index].from} ${step.probes[p.index].label}: ${p.outcome}`);
      expect(got).toEqual(step.probes.map((p) => `${p.from} ${p.label}: ${p.expect}`));
    });
  }

  it('says why a probe is unresolved: the lookup and the rule that stopped it', () => {
    const step = lab.steps.find((s) => s.id === 'dns-cluster-names-only')!;
    const prediction = simulateStep(lab, step).predictions[2];
    expect(prediction.outcome).toBe('unresolved');
    expect(prediction.deciding?.text).toMatch(/^the lookup of mos-eisley\.example through the cluster DNS was refused by Cilium's DNS proxy \(REFUSED\)/);
    expect(prediction.deciding?.text).toContain('matchPattern "*.*.svc.cluster.local"');
  });

  it('fills the DNS cache only from lookups the proxy saw: without the DNS rule, the FQDN connection is dropped', () => {
    const step = lab.steps.find((s) => s.id === 'fqdn-egress')!;
    // The same step with a DNS rule that lets lookups through at L3/L4 but not through the proxy:
    // the lookup resolves (allowed), yet toFQDNs has no answer for the tiefighter's node.
    const noProxy = step.policies.map((m) => ({...m, text: m.text.replace(/ {10}rules:\n {12}dns:\n {14}- matchPattern: "\*"\n/, '')}));
    expect(noProxy[0].text).not.toContain('matchPattern');
    const {predictions} = simulateStep(lab, {...step, policies: noProxy});
    const named = predictions.find((p) => step.probes[p.index].label === 'GET /')!;
    expect(named.lookup?.result.verdict).toBe('allowed');
    expect(named.outcome).toBe('dropped');
  });
});

describe('lab loader: probes beyond HTTP', () => {
  const first = '      - from: tiefighter\n        url: http://deathstar.empire.svc.cluster.local/v1\n        headers: {X-Has-Force: "true"}\n';

  it('refuses a probe that says nothing to send, or two things', () => {
    const none = TEXT.replace(first, '      - from: tiefighter\n');
    expect(load(none)).toEqual([
      `${at(none, 'tiefighter\n        expect: allowed')}: a probe says what it sends with one of url (HTTP or gRPC), tcp (HOST:PORT), sctp (HOST:PORT), dns (a name) or icmp (a host); it has none`,
    ]);
    const two = TEXT.replace(first, `${first}        tcp: deathstar.empire.svc.cluster.local:80\n`);
    expect(load(two)).toEqual([`${at(two, 'deathstar.empire.svc.cluster.local:80\n        expect: allowed\n        why: No policy')}: a probe sends one thing, but this one has url and tcp; split it into 2 probes`]);
  });

  it('refuses HTTP fields on other kinds, and outcomes a kind cannot have', () => {
    const text = TEXT.replace('        tcp: deathstar.empire.svc.cluster.local:80\n        expect: allowed', '        tcp: deathstar.empire.svc.cluster.local:80\n        method: POST\n        expect: l7-denied');
    expect(load(text)).toEqual([
      `${at(text, 'POST\n        expect: l7-denied')}: method applies to HTTP probes (url) only; a tcp probe sends no HTTP request`,
      `${at(text, 'l7-denied\n        why: A pod of the other')}: a TCP connect carries no request an L7 rule could refuse, so it cannot be l7-denied; expect allowed or dropped`,
    ]);
    const dns = TEXT.replace('        dns: mos-eisley.example\n        expect: allowed', '        dns: mos-eisley.example\n        expect: unresolved');
    expect(load(dns)).toEqual([
      `${at(dns, 'unresolved\n        why: Nothing restricts')}: a DNS probe is the lookup itself: a lookup that fails is dropped (no answer) or l7-denied (REFUSED by the DNS proxy); expect one of those`,
    ]);
    const address = TEXT.replace('        tcp: 172.30.0.51:80\n        expect: dropped', '        tcp: 172.30.0.51:80\n        expect: unresolved');
    expect(load(address)).toEqual([`${at(address, 'unresolved\n        why: "An address')}: 172.30.0.51 is an address, which is never looked up, so the probe cannot be unresolved`]);
  });

  it('refuses a ping to a ClusterIP, which answers none, and names the fix', () => {
    const text = TEXT.replace('        icmp: probes.empire.svc.cluster.local\n        expect: allowed\n        why: A headless', '        icmp: deathstar.empire.svc.cluster.local\n        expect: allowed\n        why: A headless');
    expect(load(text)).toEqual([
      `${at(text, 'deathstar.empire.svc.cluster.local\n        expect: allowed\n        why: A headless')}: Service "deathstar" has a ClusterIP, which answers no ping; ping a headless Service (clusterIP: None), whose name resolves to its pods' addresses`,
    ]);
  });

  it('refuses a gRPC probe with a method or a path that is no gRPC method', () => {
    const text = TEXT.replace('/cloudcity.DoorManager/GetName\n        grpc: true', '/cloudcity/GetName\n        grpc: true\n        method: PUT');
    expect(load(text)).toEqual([
      `${at(text, 'PUT\n        expect: allowed')}: a gRPC call is always an HTTP/2 POST; remove method`,
      `${at(text, 'http://cc-door-server.empire.svc.cluster.local:50051/cloudcity/GetName')}: a gRPC method is http://HOST:PORT/<package>.<Service>/<Method>, like /cloudcity.DoorManager/GetName; this path is /cloudcity/GetName`,
    ]);
  });

  it('resolves short Service names in the client\'s own namespace, and refuses a name that is nothing of the lab', () => {
    const short = TEXT.replace('        tcp: deathstar.empire.svc.cluster.local:80\n        expect: allowed', '        tcp: deathstar:80\n        expect: allowed');
    // The xwing is in rebels: a short name is looked up there (the pod's search list), where no deathstar is.
    expect(load(short)).toEqual([
      `${at(short, 'deathstar:80')}: probe names Service "deathstar" in namespace rebels, which the app does not define; it is in namespace empire: write deathstar.empire.svc.cluster.local`,
    ]);
    const unknown = TEXT.replace('        dns: mos-eisley.example\n        expect: allowed', '        dns: mos-eisley.example\n        expect: allowed').replace('url: http://mos-eisley.example/\n        expect: allowed', 'url: http://tatooine.example/\n        expect: allowed');
    expect(load(unknown)).toEqual([
      `${at(unknown, 'http://tatooine.example/')}: probe URL host "tatooine.example" is neither a Service of this lab (SERVICE.empire.svc.cluster.local, in namespace empire or rebels) nor a name under \`names\` in lab.yaml nor a node of kind's cluster (netpol-labs-worker, netpol-labs-control-plane); add it under \`names\` with its addresses, or use an IPv4 address`,
    ]);
  });

  it('refuses a TCP port out of range, naming the range', () => {
    const text = TEXT.replace('tcp: deathstar.empire.svc.cluster.local:80\n        expect: allowed', 'tcp: deathstar.empire.svc.cluster.local:70000\n        expect: allowed');
    expect(load(text)).toEqual([`${at(text, 'deathstar.empire.svc.cluster.local:70000')}: port 70000 is out of range; a TCP port is 1-65535`]);
  });

  it('takes probes from another namespace of the lab, never from one it does not have', () => {
    const text = TEXT.replace('      - from: rebels/xwing\n        tcp: deathstar.empire.svc.cluster.local:80\n        expect: allowed', '      - from: hutts/jabba\n        tcp: deathstar.empire.svc.cluster.local:80\n        expect: allowed');
    expect(load(text)).toEqual([
      `${at(text, 'hutts/jabba')}: probe from "hutts/jabba": the app defines no pod or deployment of that name; expected one of deathstar, probe-target, cc-door-mgr, tiefighter, rebels/xwing, patrol, or outside`,
    ]);
  });

  it('refuses outside probes without an address, and to a Service that would hide the client address', () => {
    const noAddress = TEXT.replace('outside:\n  ip: 172.30.0.100\n', '');
    // Each error points at the value `outside` of a `from:` key.
    expect(load(noAddress)).toEqual(
      [...noAddress.matchAll(/from: outside/g)].map(
        (m) => `${position(noAddress, m.index + 'from: '.length)}: a probe from outside needs the address it comes from: add \`outside: {ip: 172.30.0.250}\` (an address outside the cluster) to lab.yaml`,
      ),
    );
    const app = read('app.yaml')!.replace('  type: NodePort\n  externalTrafficPolicy: Local\n', '');
    const {errors} = parseLab(TEXT, `${DIR}/lab.yaml`, (p) => (p === 'app.yaml' ? app : read(p)), 'outpost');
    expect(errors.map(formatLabError)).toEqual(
      [...TEXT.matchAll(/      - from: outside\n        url: /g)].map(
        (m) => `${position(TEXT, m.index + m[0].length)}: Service "deathstar" is not reachable from outside with the client's address kept; make it type: NodePort with externalTrafficPolicy: Local`,
      ),
    );
  });

  it('refuses namespace with namespaces, and the cluster\'s own namespaces', () => {
    const both = TEXT.replace('namespaces: [empire, rebels]', 'namespace: empire\nnamespaces: [empire, rebels]');
    expect(load(both)).toEqual([`${at(both, '[empire, rebels]')}: lab.yaml has both namespace and namespaces; keep namespaces (its first entry is the default) and remove namespace`]);
    const system = TEXT.replace('namespaces: [empire, rebels]', 'namespaces: [empire, kube-system]');
    expect(load(system)[0]).toBe(`${at(system, 'kube-system]')}: namespace "kube-system" belongs to the cluster; a lab runs in namespaces of its own, like "star-wars"`);
  });
});

describe('lab format: the reviewers\' cases', () => {
  it('a DNS probe the proxy let through feeds toFQDNs; without it the same connection is dropped', () => {
    const step = lab.steps.find((s) => s.id === 'fqdn-egress')!;
    expect(step.probes.slice(0, 2).map((p) => p.label)).toEqual(['DNS mos-eisley.example', 'TCP 172.30.0.50:80']);
    expect(simulateStep(lab, step).predictions[1].outcome).toBe('allowed');
    // Language.rst "DNS based": only addresses from answers the proxy saw are allowed.
    const withoutLookup = {...step, probes: step.probes.slice(1, 2)};
    expect(simulateStep(lab, withoutLookup).predictions[0].outcome).toBe('dropped');
  });

  it('sends the Host an HTTP client sends: the URL host with its port unless it is 80', async () => {
    const {connectionProbe} = await import('../../src/lab/to-scenario');
    const grpc = lab.steps[0].probes.find((p) => p.kind === 'grpc')!;
    expect(connectionProbe(lab, grpc).http?.host).toBe('cc-door-server.empire.svc.cluster.local:50051');
    const http = lab.steps[0].probes[0];
    expect(connectionProbe(lab, http).http).toMatchObject({host: 'deathstar.empire.svc.cluster.local', headers: {'X-Has-Force': 'true'}});
  });

  it('refuses a DNS probe of a name that is nothing of the lab (its NXDOMAIN would be no verdict)', () => {
    const text = TEXT.replace('        dns: mos-eisley.example\n        expect: allowed\n        why: Nothing', '        dns: tatooine.example\n        expect: allowed\n        why: Nothing');
    expect(load(text)).toEqual([
      `${at(text, 'tatooine.example')}: probe host "tatooine.example" is neither a Service of this lab (SERVICE.empire.svc.cluster.local, in namespace empire or rebels) nor a name under \`names\` in lab.yaml nor a node of kind's cluster (netpol-labs-worker, netpol-labs-control-plane); add it under \`names\` with its addresses, or use an IPv4 address`,
    ]);
  });

  it('refuses an outside probe that expects unresolved, and a ping from outside to a pod', () => {
    const text = TEXT.replace('      - from: outside\n        url: http://deathstar.empire.svc.cluster.local/v1\n        expect: allowed', '      - from: outside\n        url: http://deathstar.empire.svc.cluster.local/v1\n        expect: unresolved');
    expect(load(text)).toEqual([`${at(text, 'unresolved\n        why: The node port')}: a probe from outside names its target without the cluster DNS, so it cannot be unresolved`]);
    const ping = TEXT.replace('      - from: rebels/xwing\n        icmp: probes.empire.svc.cluster.local\n        expect: allowed\n        why: A headless', '      - from: outside\n        icmp: probes.empire.svc.cluster.local\n        expect: allowed\n        why: A headless');
    expect(load(ping)).toEqual([`${at(ping, 'probes.empire.svc.cluster.local\n        expect: allowed\n        why: A headless')}: a machine outside the cluster cannot reach a pod's address to ping it; ping a node's or an outside address instead`]);
  });

  it('takes a node of kind\'s cluster as the target of a probe from outside, and refuses it from a pod', () => {
    const text = TEXT.replace('      - from: rebels/xwing\n        icmp: probes.empire.svc.cluster.local\n        expect: allowed\n        why: A headless', '      - from: outside\n        tcp: netpol-labs-worker:22\n        expect: allowed\n        why: x\n      - from: outside\n        icmp: netpol-labs-control-plane\n        expect: allowed\n        why: A headless');
    const parsed = parseLab(text, `${DIR}/lab.yaml`, read, 'outpost');
    expect(parsed.errors.map(formatLabError)).toEqual([]);
    const probes = parsed.lab!.steps.flatMap((s) => s.probes).filter((p) => p.target.node !== undefined);
    expect(probes.map((p) => [p.label, p.target.node, p.target.port])).toEqual([
      ['TCP netpol-labs-worker:22', 'netpol-labs-worker', 22],
      ['ping netpol-labs-control-plane', 'netpol-labs-control-plane', undefined],
    ]);
    const fromPod = TEXT.replace('      - from: rebels/xwing\n        icmp: probes.empire.svc.cluster.local', '      - from: rebels/xwing\n        icmp: netpol-labs-worker');
    expect(load(fromPod)).toEqual([
      `${at(fromPod, 'netpol-labs-worker\n')}: netpol-labs-worker is a node of kind's cluster, which only a machine outside the cluster (from: outside) can name; from a pod, probe a Service whose backend is a hostNetwork pod on that node`,
    ]);
  });

  it('refuses a Service name from a hostNetwork pod that resolves with its node\'s resolver', () => {
    const nodeProbe = (dns: string) => `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: node-probe\n  namespace: empire\nspec:\n  hostNetwork: true\n${dns}  containers:\n    - name: client\n      image: nicolaka/netshoot:v0.16\n`;
    const app = read('app.yaml')! + nodeProbe('');
    const text = TEXT.replace('      - from: tiefighter\n        dns: mos-eisley.example', '      - from: node-probe\n        tcp: deathstar.empire.svc.cluster.local:80\n        expect: allowed\n        why: x\n      - from: tiefighter\n        dns: mos-eisley.example');
    const errors = parseLab(text, `${DIR}/lab.yaml`, (p) => (p === 'app.yaml' ? app : read(p)), 'outpost').errors.map(formatLabError);
    expect(errors).toEqual([
      `${at(text, 'deathstar.empire.svc.cluster.local:80\n        expect: allowed\n        why: x')}: node-probe runs in its node's network and resolves with the node's resolver, which knows no Service; give it dnsPolicy: ClusterFirstWithHostNet`,
    ]);
    const clusterFirst = read('app.yaml')! + nodeProbe('  dnsPolicy: ClusterFirstWithHostNet\n');
    expect(parseLab(text, `${DIR}/lab.yaml`, (p) => (p === 'app.yaml' ? clusterFirst : read(p)), 'outpost').errors).toEqual([]);
  });
});
