/**
 * What `netpol-labs run deathstar --target kind --dry-run` prints: the whole real plan, in order,
 * with nothing run. PATH is an empty folder, so not even a version check could run.
 */
import {cpSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {EMPTY_PATH, plan} from '../dry-run-plan';
import {main} from '../../src/cli/main';
import {CILIUM_VERSION, KIND_CONTEXT, KIND_NODE_IMAGE} from '../../src/runner/constants';
import {memoryOutput} from '../../src/runner/output';
import {runInMemory} from '../cli-harness';

const ROOT = resolve(__dirname, '../..');


/** A repository root whose labs/ holds only the deathstar lab (a copy of this repository's). */
function deathstarOnlyRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'netpol-labs-deathstar-only-'));
  cpSync(join(ROOT, 'labs/deathstar'), join(root, 'labs/deathstar'), {recursive: true});
  return root;
}

const CURL = '--silent --show-error --connect-timeout 2 --max-time 10';

describe('run deathstar --target kind --dry-run', () => {
  it('prints the cluster, Cilium, app, per-step policy changes and probes, in that order, and runs nothing', async () => {
    const {code, lines, commands} = await plan(['run', 'deathstar', '--target', 'kind', '--dry-run']);
    expect(code).toBe(0);
    expect(lines[0]).toContain('DRY RUN');
    // Preflight found nothing on this PATH and says so, then the plan goes on.
    expect(lines.join('\n')).toContain('missing: kind');
    expect(lines.join('\n')).toContain('a real run would stop here');

    const index = (prefix: string, from = 0) => {
      const i = commands.findIndex((c, n) => n >= from && c.startsWith(prefix));
      expect(i, `expected a command starting with: ${prefix}`).toBeGreaterThanOrEqual(from);
      return i;
    };
    // kind puts the nodes on the runner's network, created first with the pinned subnet.
    const network = index('docker network create --driver bridge --subnet 172.30.0.0/16 --gateway 172.30.0.1 ');
    const create = index(`KIND_EXPERIMENTAL_DOCKER_NETWORK=netpol-labs kind create cluster --name netpol-labs --image ${KIND_NODE_IMAGE} --config=`, network);
    expect(lines.join('\n')).toContain('disableDefaultCNI: true');
    const install = index(`cilium install --context ${KIND_CONTEXT} --version ${CILIUM_VERSION} --set hubble.enabled=true`, create);
    const wait = index(`cilium status --context ${KIND_CONTEXT} --wait --wait-duration 10m --interactive=false`, install);
    const envoy = index(`kubectl --context ${KIND_CONTEXT} rollout status daemonset/cilium-envoy --namespace kube-system`, wait);
    const app = index(`kubectl --context ${KIND_CONTEXT} apply --filename - < labs/deathstar/app.yaml`, envoy);
    index(`kubectl --context ${KIND_CONTEXT} rollout status deployment/deathstar --namespace star-wars`, app);

    // Step by step: exactly the step's policies, then the probes.
    const s2 = index(`kubectl --context ${KIND_CONTEXT} apply --filename - < labs/deathstar/deathstar-allow-empire.yaml`, app);
    // The Service name is made absolute (trailing dot: one DNS lookup, no search list) while the
    // Host header keeps the name the lab wrote.
    const xwingProbe = index(
      `kubectl --context ${KIND_CONTEXT} exec --namespace star-wars xwing -- curl ${CURL} --request POST --header 'Host: deathstar.star-wars.svc.cluster.local' --output - --write-out '[netpol-labs code=%{http_code} dns=%{time_namelookup} connect=%{time_connect}]' http://deathstar.star-wars.svc.cluster.local./v1/request-landing`,
      s2,
    );
    const s3 = index(`kubectl --context ${KIND_CONTEXT} apply --filename - < labs/deathstar/rule1-l3-l4.yaml`, xwingProbe);
    // Moving to the CiliumNetworkPolicy removes the Kubernetes NetworkPolicy of the previous step.
    const del = index(`kubectl --context ${KIND_CONTEXT} delete networkpolicies.networking.k8s.io/deathstar-allow-empire --namespace star-wars --ignore-not-found`, s3);
    const s4 = index(`kubectl --context ${KIND_CONTEXT} apply --filename - < labs/deathstar/rule1-l7.yaml`, del);
    const put = index(`kubectl --context ${KIND_CONTEXT} exec --namespace star-wars tiefighter -- curl ${CURL} --request PUT`, s4);
    // After the exhaust-port request the runner waits for the deathstar before going on.
    index(`kubectl --context ${KIND_CONTEXT} rollout status deployment/deathstar --namespace star-wars`, put);
    // The trap step applies both, so nothing is deleted; the last step replaces rule1 and deletes the NetworkPolicy.
    const s5 = index(`kubectl --context ${KIND_CONTEXT} apply --filename - < labs/deathstar/deathstar-allow-empire.yaml labs/deathstar/rule1-l7.yaml`, put);
    const s6 = index(`kubectl --context ${KIND_CONTEXT} apply --filename - < labs/deathstar/rule1-l7-ingress.yaml`, s5);
    index(`kubectl --context ${KIND_CONTEXT} delete networkpolicies.networking.k8s.io/deathstar-allow-empire`, s6);

    // Every kubectl call names the context explicitly; nothing else is ever used. The only others
    // read and put back the user's current context around `kind create cluster`, which switches it.
    const kubeconfigOnly = ['kubectl config current-context', 'kubectl config use-context PREVIOUS_CONTEXT'];
    expect(commands.filter((x) => x.startsWith('kubectl config '))).toEqual(kubeconfigOnly);
    for (const c of commands.filter((x) => x.startsWith('kubectl ') && !kubeconfigOnly.includes(x))) expect(c.startsWith(`kubectl --context ${KIND_CONTEXT} `), c).toBe(true);
    // Deletions only ever target the lab namespace or the lab's own labelled objects.
    for (const c of commands.filter((x) => x.includes(' delete '))) {
      expect(c.includes('--namespace star-wars') || c.includes('--selector app.kubernetes.io/managed-by=netpol-labs'), c).toBe(true);
    }
    // Each step's probes appear once per step in the plan: six steps, 2+2+3+4+3+4 = 18 probes (polling repeats them at run time).
    expect(commands.filter((c) => c.includes(' -- curl ')).length).toBe(18);
  });

  const BASE_SETS = '--set hubble.enabled=true --set hubble.relay.enabled=true --set bpf.monitorAggregation=none --set ipam.mode=kubernetes --set image.pullPolicy=IfNotPresent --set image.useDigest=false --set operator.image.useDigest=false --set envoy.image.useDigest=false --set hubble.relay.image.useDigest=false';
  // The host firewall is on: labs/cilium-host-policies has a host policy (src/runner/host-firewall.ts).
  // SCTP support is always on: labs/netpol-sctp probes SCTP, which Cilium drops while it is off
  // (Documentation/configuration/sctp.rst: `--set sctp.enabled=true`; src/runner/sctp.ts).
  // The renders (helm template, cilium install --dry-run) only list the images, which neither changes.
  const SETS = `${BASE_SETS} --set hostFirewall.enabled=true --set sctp.enabled=true`;
  // kind nodes run on the host's platform (kind v0.33.0 release notes); Docker names it GOOS/GOARCH.
  const PLATFORM = `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`;

  /** The up --preload plan for one installer, and the position of each command in it. */
  async function upPlan(installer: 'helm' | 'cilium-cli') {
    const result = await plan(['up', '--preload', '--installer', installer, '--dry-run']);
    expect(result.code, result.lines.join('\n')).toBe(0);
    const at = (command: string) => {
      const i = result.commands.indexOf(command);
      expect(i, `planned: ${command}\n${result.commands.join('\n')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    return {...result, at};
  }

  /** What every plan must do in order on a fresh machine with Docker 29 (containerd image store). */
  function expectFreshMachineOrder(commands: string[], at: (c: string) => number, render: number, install: number) {
    const create = at(`KIND_EXPERIMENTAL_DOCKER_NETWORK=netpol-labs kind create cluster --name netpol-labs --image ${KIND_NODE_IMAGE} --config=${commands.find((c) => c.includes('kind create'))!.split('--config=')[1]}`);
    // The node image is the one built for the pinned kind release, pinned by digest (kind's release notes).
    expect(KIND_NODE_IMAGE).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
    // The user's current context is read before and put back right after kind switched it.
    expect(at('kubectl config current-context')).toBeLessThan(create);
    expect(at('kubectl config use-context PREVIOUS_CONTEXT')).toBe(create + 1);
    // Docker's image store and API are read before any image is loaded.
    const facts = at("docker info --format '{{json .}}'");
    expect(render).toBeGreaterThan(create);
    for (const image of ['quay.io/cilium/starwars:v2.3', 'quay.io/cilium/json-mock:v1.4.1']) {
      const archive = commands.find((c) => c.startsWith(`docker save --platform ${PLATFORM} --output `) && c.endsWith(` ${image}`));
      expect(archive, `docker save --platform of ${image}`).toBeDefined();
      const file = archive!.split(' --output ')[1].split(' ')[0];
      const pull = at(`docker pull --platform ${PLATFORM} ${image}`);
      const save = at(archive!);
      const load = at(`kind load image-archive ${file} --name netpol-labs`);
      expect(facts).toBeLessThan(pull);
      expect(pull).toBeLessThan(save);
      expect(save).toBeLessThan(load);
      // Images are in the nodes before Cilium's pods start.
      expect(load).toBeLessThan(install);
    }
    // kind load docker-image fails on the containerd image store (kind issue 3795): never planned there.
    expect(commands.some((c) => c.startsWith('kind load docker-image'))).toBe(false);
  }

  it('up --preload --installer helm: the chart comes by --repo (no repository to add first), images by platform archive', async () => {
    const {commands, at, lines} = await upPlan('helm');
    const render = at(`helm template cilium cilium --repo https://helm.cilium.io/ --namespace kube-system --version ${CILIUM_VERSION} ${BASE_SETS}`);
    const install = at(`helm upgrade --install cilium cilium --repo https://helm.cilium.io/ --kube-context ${KIND_CONTEXT} --namespace kube-system --version ${CILIUM_VERSION} ${SETS} --wait --timeout 10m`);
    expect(render).toBeLessThan(install);
    // Every chart reference names its repository: `cilium/cilium` would need `helm repo add cilium` first.
    for (const c of commands.filter((x) => x.startsWith('helm '))) expect(c, c).toContain('--repo https://helm.cilium.io/');
    expect(commands.some((c) => c.startsWith('cilium '))).toBe(false);
    expectFreshMachineOrder(commands, at, render, install);
    expect(lines.join('\n')).toContain('# assuming Docker 29 (API 1.52, containerd image store');
  });

  it('up --preload --installer cilium-cli: cilium renders, images by platform archive, then cilium installs and waits', async () => {
    const {commands, at} = await upPlan('cilium-cli');
    const render = at(`cilium install --context ${KIND_CONTEXT} --version ${CILIUM_VERSION} ${BASE_SETS} --dry-run`);
    const install = at(`cilium install --context ${KIND_CONTEXT} --version ${CILIUM_VERSION} ${SETS}`);
    at(`cilium status --context ${KIND_CONTEXT} --wait --wait-duration 10m --interactive=false`);
    expect(commands.some((c) => c.startsWith('helm '))).toBe(false);
    expectFreshMachineOrder(commands, at, render, install);
    // Every workload, Envoy included, is waited for after the install.
    const envoy = at(`kubectl --context ${KIND_CONTEXT} rollout status daemonset/cilium-envoy --namespace kube-system --timeout=300s`);
    expect(envoy).toBeGreaterThan(install);
  });

  it('up --installer with an unknown tool is a usage error', async () => {
    const {code, err} = await runInMemory(['up', '--installer', 'kubectl-apply', '--dry-run']);
    expect(code).toBe(2);
    expect(err.lines[0]).toBe('netpol-labs up: unknown --installer "kubectl-apply"; expected cilium-cli or helm');
  });

  it('down --dry-run deletes only the netpol-labs cluster, then the runner\'s containers and network, found by its label', async () => {
    const {code, commands} = await plan(['down', '--dry-run']);
    expect(code).toBe(0);
    expect(commands).toEqual([
      'kind get clusters',
      'kind delete cluster --name netpol-labs',
      "docker ps --all --filter label=app.kubernetes.io/managed-by=netpol-labs --filter label=netpol-labs.io/role --format '{{.Names}}'",
      "docker network ls --filter 'name=^netpol-labs$' --filter label=app.kubernetes.io/managed-by=netpol-labs --format '{{.Name}}'",
      'docker network rm netpol-labs',
    ]);
  });

  it('reset --dry-run removes the lab policies by label, then the namespace the runner created', async () => {
    const {code, commands} = await plan(['reset', 'deathstar', '--dry-run']);
    expect(code).toBe(0);
    expect(commands.at(-1)).toBe(
      `kubectl --context ${KIND_CONTEXT} delete namespace --selector app.kubernetes.io/managed-by=netpol-labs,netpol-labs.io/lab=deathstar --field-selector metadata.name=star-wars --ignore-not-found --wait=true --timeout=180s`,
    );
  });
});

describe('the context guard', () => {
  it('refuses any context other than kind-netpol-labs for --target kind', async () => {
    const {code, lines, commands} = await plan(['run', 'deathstar', '--target', 'kind', '--context', 'prod', '--dry-run']);
    expect(code).toBe(2);
    expect(lines[0]).toBe(
      'netpol-labs: --target kind only ever uses the context kind-netpol-labs; to run against "prod", say so with --target context --context prod',
    );
    expect(commands).toEqual([]);
  });

  it('requires --context for --target context, and then uses only that context', async () => {
    const refused = await plan(['run', 'deathstar', '--target', 'context', '--dry-run']);
    expect(refused.code).toBe(2);
    expect(refused.lines[0]).toContain('--target context needs --context NAME');
    const named = await plan(['run', 'deathstar', '--target', 'context', '--context', 'lab-cluster', '--dry-run']);
    expect(named.code).toBe(0);
    const kubectl = named.commands.filter((c) => c.startsWith('kubectl '));
    expect(kubectl.length).toBeGreaterThan(10);
    for (const c of kubectl) expect(c.startsWith('kubectl --context lab-cluster '), c).toBe(true);
    // No cluster is created or installed on a cluster the user named.
    expect(named.commands.some((c) => c.startsWith('kind ') || c.startsWith('cilium ') || c.startsWith('helm '))).toBe(false);
    // And the namespace the runner created is removed at the end.
    expect(named.commands.at(-1)).toContain('delete namespace --selector app.kubernetes.io/managed-by=netpol-labs');
  });
});

describe('Hubble evidence on --target context is opt-in (--hubble)', () => {
  it('without --hubble the plan has no kube-system command at all: only the lab namespace and its labelled policies', async () => {
    const {code, lines, commands} = await plan(['run', 'deathstar', '--target', 'context', '--context', 'lab-cluster', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    expect(commands.length).toBeGreaterThan(10);
    for (const c of commands) expect(c, c).not.toContain('kube-system');
    expect(commands.some((c) => c.includes('hubble'))).toBe(false);
    expect(lines.join('\n')).toContain('Hubble evidence off');
  });

  it('with --hubble the plan reads the flows from the Cilium agents', async () => {
    const {code, commands} = await plan(['run', 'deathstar', '--target', 'context', '--context', 'lab-cluster', '--hubble', '--dry-run']);
    expect(code).toBe(0);
    expect(commands).toContain("kubectl --context lab-cluster get pods --namespace kube-system --selector k8s-app=cilium --output 'jsonpath={.items[*].metadata.name}'");
    expect(commands.some((c) => c.startsWith('kubectl --context lab-cluster exec --namespace kube-system CILIUM_AGENT_POD --container cilium-agent -- hubble observe'))).toBe(true);
  });

  it('is on by default for kind, the cluster the runner owns', async () => {
    const {commands} = await plan(['run', 'deathstar', '--target', 'kind', '--dry-run']);
    expect(commands.some((c) => c.includes('-- hubble observe'))).toBe(true);
  });

  it("on kind, each step also waits for the agents' policy revision: read before the change, waited for after it, before the probes", async () => {
    const {commands, lines} = await plan(['run', 'deathstar', '--target', 'kind', '--step', 'cilium-l7', '--dry-run']);
    const agent = `kubectl --context ${KIND_CONTEXT} exec --namespace kube-system CILIUM_AGENT_POD --container cilium-agent -- cilium-dbg policy`;
    // cilium-cli's own call: -o jsonpath='{.revision}', the quotes part of the argument (shell-quoted here).
    const get = commands.indexOf(`${agent} get -o 'jsonpath='\\''{.revision}'\\'''`);
    const apply = commands.findIndex((c) => c.includes(' apply --filename - < labs/deathstar/rule1-l7.yaml'));
    const wait = commands.indexOf(`${agent} wait REVISION+1 --max-wait-time 30`);
    const probe = commands.findIndex((c) => c.includes(' -- curl '));
    expect(get, commands.join('\n')).toBeGreaterThan(0);
    expect(get).toBeLessThan(apply);
    expect(apply).toBeLessThan(wait);
    expect(wait).toBeLessThan(probe);
    expect(lines.join('\n')).toContain("# wait until every Cilium agent's endpoints realised a newer policy revision than before the change");
  });

  it('verify on an existing cluster plays the labs it can and names each one it leaves out', async () => {
    const {code, lines, commands} = await plan(['verify', '--target', 'context', '--context', 'lab-cluster', '--dry-run']);
    expect(code, lines.join('\n')).toBe(0);
    // netpol-ipblock has probes from outside the cluster; mediabot-fqdn names servers outside it.
    expect(lines).toContainEqual(expect.stringMatching(/^not played on target context: lab netpol-ipblock has probes from outside the cluster/));
    expect(lines).toContainEqual(expect.stringMatching(/^not played on target context: lab mediabot-fqdn /));
    expect(commands.some((c) => c.includes('--namespace star-wars'))).toBe(true);
    expect(commands.some((c) => c.includes('netpol-ipblock') || c.includes('--namespace hoth'))).toBe(false);
    // Named explicitly, such a lab is refused.
    const named = await plan(['run', 'netpol-ipblock', '--target', 'context', '--context', 'lab-cluster', '--dry-run']);
    expect(named.code).toBe(2);
    expect(named.commands).toEqual([]);
  });

  it('verify --target context takes --hubble too, and --help documents it', async () => {
    // Over a repository whose only lab is the deathstar, to keep the plan short.
    const root = deathstarOnlyRoot();
    const {code, commands} = await plan(['verify', '--target', 'context', '--context', 'lab-cluster', '--dry-run'], root);
    expect(code).toBe(0);
    for (const c of commands) expect(c, c).not.toContain('kube-system');
    const withHubble = await plan(['verify', '--target', 'context', '--context', 'lab-cluster', '--hubble', '--dry-run'], root);
    expect(withHubble.commands.some((c) => c.includes('-- hubble observe'))).toBe(true);
    for (const command of ['run', 'verify']) {
      const {code, out} = await runInMemory([command, '--help']);
      expect(code).toBe(0);
      const help = out.lines.join('\n');
      expect(help).toMatch(/--hubble\s+attach Hubble flows[\s\S]*kube-system/);
      expect(help).toContain('--target context');
    }
  });
});

describe('a mistyped --step', () => {
  const STEPS = 'no-policy, k8s-allow-empire, cilium-l3-l4, cilium-l7, l4-wildcards-l7, ingress-entity';

  it('is refused right after the lab loads, before any command: the dry-run plan has none, exit 2 with the step ids', async () => {
    for (const target of [['--target', 'kind'], ['--target', 'context', '--context', 'lab-cluster']]) {
      const {code, lines, commands} = await plan(['run', 'deathstar', ...target, '--step', 'cilium-l8', '--dry-run']);
      expect(code, lines.join('\n')).toBe(2);
      expect(commands, 'no command may be planned for a step that does not exist').toEqual([]);
      expect(lines.join('\n')).not.toContain('missing: kind');
      expect(lines.join('\n')).toContain(`netpol-labs run: lab deathstar has no step "cilium-l8" (did you mean cilium-l7?); its steps are ${STEPS}`);
    }
  });

  it('on the simulator too: exit 2 with the step ids, not "FAIL 0/0"', async () => {
    const out = memoryOutput();
    const code = await main(['run', 'deathstar', '--target', 'sim', '--step', 'nope'], {out, root: ROOT});
    expect(code, out.lines.join('\n')).toBe(2);
    expect(out.lines.join('\n')).toContain(`netpol-labs run: lab deathstar has no step "nope"; its steps are ${STEPS}`);
    expect(out.lines.join('\n')).not.toMatch(/FAIL|SIMULATED/);
  });

  it('a correct --step still plays only that step', async () => {
    const out = memoryOutput();
    const code = await main(['run', 'deathstar', '--target', 'sim', '--step', 'cilium-l7'], {out, root: ROOT});
    expect(code, out.lines.join('\n')).toBe(0);
    expect(out.lines.join('\n')).toMatch(/PASS: 4\/4 probes/);
  });
});

describe('argv', () => {
  it('bad flags give one line and the usage on stderr, exit 2', async () => {
    const {code, out, err} = await runInMemory(['run', 'deathstar', '--targt', 'kind']);
    expect(code).toBe(2);
    expect(err.lines[0]).toMatch(/^netpol-labs run: Unknown option '--targt'/);
    expect(err.lines[1]).toMatch(/^usage: netpol-labs run LAB /);
    expect(err.lines).toHaveLength(2);
    expect(out.lines).toEqual([]);
  });

  it('rejects an unknown target and a missing lab', async () => {
    const bad = await runInMemory(['run', 'deathstar', '--target', 'minikube']);
    expect(bad.code).toBe(2);
    expect(bad.err.lines[0]).toBe('netpol-labs run: unknown --target "minikube"; expected sim, kind or context');
    const missing = await runInMemory(['run']);
    expect(missing.code).toBe(2);
    expect(missing.err.lines[0]).toContain('which lab?');
  });

  it('names the labs when the lab does not exist', async () => {
    const {code, out} = await runInMemory(['run', 'deathstr', '--dry-run'], {env: {PATH: EMPTY_PATH}});
    expect(code).toBe(1);
    // The message lists every lab; the one meant is among them.
    expect(out.lines[0]).toMatch(/no lab "deathstr"; labs are [^\n]*\bdeathstar\b/);
  });

  it('--help for each command', async () => {
    for (const command of ['simulate', 'up', 'down', 'status', 'run', 'verify', 'reset']) {
      const {code, out} = await runInMemory([command, '--help']);
      expect(code).toBe(0);
      expect(out.lines[0]).toMatch(new RegExp(`^usage: netpol-labs ${command}`));
      expect(out.lines.join('\n')).toMatch(/-h, --help\s+show this help/);
    }
  });

  it('an unknown command lists the commands, exit 2', async () => {
    const {code, err} = await runInMemory(['simulat']);
    expect(code).toBe(2);
    expect(err.lines[0]).toBe('netpol-labs: unknown command "simulat"');
    expect(err.lines.join('\n')).toMatch(/^ {2}simulate {2}predict probe verdicts/m);
  });
});
