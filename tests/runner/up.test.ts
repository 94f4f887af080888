/**
 * `netpol-labs up` as a learner runs it, against the stand-in cluster (tests/runner/standin-cluster.ts):
 * the real command as a child process, with docker, kind, kubectl, cilium and helm answering with
 * outputs recorded from upstream (tests/runner/fixtures).
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {CILIUM_VERSION} from '../../src/runner/constants';
import {isRunning, startRunner, standinCluster, type Call, type StandinCluster} from './standin-cluster';

const clusters: StandinCluster[] = [];
afterEach(() => {
  for (const cluster of clusters.splice(0)) for (const c of cluster.calls()) if (isRunning(c.pid)) process.kill(c.pid, 'SIGKILL');
});

/** Cilium's four images as the chart renders them (fixture) and those of the labs under labs/. */
const IMAGES = [
  'quay.io/cilium/cilium:v1.20.2',
  'quay.io/cilium/cilium-envoy:v1.35-placeholder',
  'quay.io/cilium/operator-generic:v1.20.2',
  'quay.io/cilium/hubble-relay:v1.20.2',
  'quay.io/cilium/starwars:v2.3',
  'quay.io/cilium/json-mock:v1.4.1',
  // Module 2's labs: the database and the client image with every probe tool.
  'redis:7.4.2-alpine',
  'nicolaka/netshoot:v0.16',
  // Module 4's imperial-archive server and the server behind every lab's outside names (src/runner/outside.ts).
  'traefik/whoami:v1.10.4',
  // Module 4's cloud-city-grpc door manager: Cilium's gRPC demo (examples/kubernetes-grpc/cc-door-app.yaml).
  'docker.io/cilium/cc-grpc-demo:v3.0',
];

const line = (c: Call) => `${c.tool} ${c.args.join(' ')}`;

/**
 * A cluster an earlier `up` made for the course's labs: labs/cilium-host-policies has a host policy,
 * so that up installed Cilium with the host firewall, and cilium-config says so.
 */
const WITH_FIREWALL = {STANDIN_HOST_FIREWALL: 'true'};

async function up(args: string[], env: Record<string, string>, state?: Parameters<StandinCluster['setState']>[0]) {
  const cluster = standinCluster();
  clusters.push(cluster);
  if (state) cluster.setState(state);
  const run = startRunner(cluster, ['up', ...args], env);
  const exit = await run.exited;
  const calls = cluster.calls();
  return {cluster, code: exit.code, output: run.stdout() + run.stderr(), calls, lines: calls.map(line)};
}

describe('up --preload on a fresh machine', () => {
  it("Docker 29 (containerd image store): each image saved for the node's platform and loaded as an archive; your kubectl context is put back", async () => {
    const {code, output, lines, cluster} = await up(['--preload'], {STANDIN_KIND: 'no-cluster', STANDIN_KIND_LOAD: 'containerd-store'});
    expect(code, output).toBe(0);
    for (const image of IMAGES) {
      const save = lines.findIndex((l) => l.startsWith('docker save --platform linux/amd64 --output ') && l.endsWith(` ${image}`));
      expect(save, `docker save of ${image}\n${lines.join('\n')}`).toBeGreaterThan(0);
      const archive = lines[save].split(' --output ')[1].split(' ')[0];
      expect(lines[save + 1]).toBe(`kind load image-archive ${archive} --name netpol-labs`);
      expect(lines[save - 1]).toBe(`docker pull --platform linux/amd64 ${image}`);
    }
    expect(lines.some((l) => l.startsWith('kind load docker-image'))).toBe(false);
    expect(output).toContain(`preload: ${IMAGES.length} image(s) loaded into the nodes`);
    // kind switched the context to kind-netpol-labs; up put the user's back and said so.
    expect(cluster.state().currentContext).toBe('dev-cluster');
    expect(output).toContain('kind switched your current kubectl context; it is dev-cluster again');
    const create = lines.findIndex((l) => l.startsWith('kind create cluster'));
    expect(lines[create + 1]).toBe('kubectl config use-context dev-cluster');
    // cilium CLI found first: it installs, after the images are in.
    const install = lines.indexOf(`cilium install --context kind-netpol-labs --version ${CILIUM_VERSION} --set hubble.enabled=true --set hubble.relay.enabled=true --set bpf.monitorAggregation=none --set ipam.mode=kubernetes --set image.pullPolicy=IfNotPresent --set image.useDigest=false --set operator.image.useDigest=false --set envoy.image.useDigest=false --set hubble.relay.image.useDigest=false --set hostFirewall.enabled=true --set sctp.enabled=true`);
    expect(install).toBeGreaterThan(lines.map((l) => l.startsWith('kind load ')).lastIndexOf(true));
    expect(output).toMatch(/ready: kind cluster netpol-labs with Cilium 1\.20\.2 .*Envoy runs as the cilium-envoy DaemonSet/);
  });

  it('a new install that never becomes ready names the workload and how to start over', async () => {
    const {code, output} = await up([], {STANDIN_KIND: 'no-cluster', STANDIN_NOT_READY: 'daemonset/cilium-envoy'});
    expect(code, output).toBe(1);
    expect(output).toContain('netpol-labs: Cilium did not become ready in kind cluster netpol-labs:\n  - daemonset/cilium-envoy in kube-system is not ready within 300s: error: timed out waiting for the condition');
    expect(output).toContain('Delete it and start again: netpol-labs down && netpol-labs up');
  });

  it('with no current context before, none after', async () => {
    const {code, output, cluster} = await up([], {STANDIN_KIND: 'no-cluster'}, {currentContext: null});
    expect(code, output).toBe(0);
    expect(cluster.state().currentContext).toBeNull();
    expect(output).toContain('kind set a current kubectl context where there was none; unset it again');
  });

  it('--installer helm, Docker 27 with the classic store: helm renders by --repo, kind load docker-image loads', async () => {
    const {code, output, lines} = await up(['--preload', '--installer', 'helm'], {STANDIN_KIND: 'no-cluster', STANDIN_DOCKER_VERSION: 'docker-version-27.json', STANDIN_DOCKER_INFO: 'docker-info-overlay2.json'});
    expect(code, output).toBe(0);
    const render = lines.findIndex((l) => l.startsWith('helm template cilium cilium --repo https://helm.cilium.io/ '));
    const install = lines.findIndex((l) => l.startsWith('helm upgrade --install cilium cilium --repo https://helm.cilium.io/ '));
    expect(render).toBeGreaterThan(0);
    expect(install).toBeGreaterThan(render);
    for (const image of IMAGES) expect(lines).toContain(`kind load docker-image ${image} --name netpol-labs`);
    expect(lines.some((l) => l.startsWith('docker save'))).toBe(false);
    expect(lines.some((l) => l.startsWith('cilium install'))).toBe(false);
    expect(output).toContain('preload: Docker 27.5.1 (API 1.47, classic image store, linux/arm64)');
  });

  it('a failed load is a warning: up goes on and the nodes pull', async () => {
    // kind load docker-image fails as on the containerd store (kind issue 3795's error).
    const {code, output, lines} = await up(['--preload'], {STANDIN_KIND: 'no-cluster', STANDIN_DOCKER_VERSION: 'docker-version-27.json', STANDIN_DOCKER_INFO: 'docker-info-overlay2.json', STANDIN_KIND_LOAD: 'containerd-store'});
    expect(code, output).toBe(0);
    expect(output).toContain('warning: could not preload quay.io/cilium/starwars:v2.3: kind load docker-image failed: Command Output: ctr: content digest sha256:f15190cd0aed34df2541e6a569d349858dd83fe2a519d7c0ec023133b6d3c4f7: not found; the nodes will pull it themselves');
    expect(output).toContain(`preload: 0 of ${IMAGES.length} image(s) loaded; the nodes pull the other ${IMAGES.length}`);
    expect(lines.some((l) => l.startsWith('cilium install --context'))).toBe(true);
  });

  it('Docker 27 with the containerd store: says why nothing is loaded, loads nothing, goes on', async () => {
    const {code, output, lines} = await up(['--preload'], {STANDIN_KIND: 'no-cluster', STANDIN_DOCKER_VERSION: 'docker-version-27.json', STANDIN_DOCKER_INFO: 'docker-info-containerd.json'});
    expect(code, output).toBe(0);
    expect(output).toContain('this Docker cannot save a single platform (docker save --platform needs API 1.48, Docker 28 or later)');
    expect(lines.some((l) => l.startsWith('kind load') || l.startsWith('docker pull') || l.startsWith('docker save'))).toBe(false);
  });
});

describe('up on an existing cluster', () => {
  it('reuses a complete one: nothing is installed again', async () => {
    const {code, output, lines} = await up([], WITH_FIREWALL);
    expect(code, output).toBe(0);
    expect(output).toContain(`reusing it: Cilium ${CILIUM_VERSION} is deployed with the labs' settings, the host firewall on and SCTP support on, and every workload is ready`);
    // What the agent runs with is read where the chart writes it: cilium-config's enable-sctp.
    expect(lines).toContain('kubectl --context kind-netpol-labs get configmap cilium-config --namespace kube-system --output jsonpath={.data.enable-sctp}');
    expect(lines.some((l) => l.startsWith('cilium install') || l.startsWith('helm ') || l.startsWith('kind create'))).toBe(false);
  });

  it('refuses one whose Cilium runs without SCTP support (an older up, or the chart\'s default), says why and how to start over', async () => {
    for (const setting of ['false', 'unset']) {
      const {code, output, lines} = await up([], {...WITH_FIREWALL, STANDIN_SCTP: setting});
      expect(code, output).toBe(1);
      expect(output).toContain('netpol-labs: kind cluster netpol-labs exists but is not one the labs can use:');
      expect(output).toContain(`  - Cilium's SCTP support is off (cilium-config enable-sctp is ${setting === 'false' ? '"false"' : 'not set'}), and lab netpol-sctp probes SCTP: ` +
        'while it is off Cilium drops every SCTP packet, and it is set when Cilium is installed (Helm value sctp.enabled=true)');
      expect(output).toContain('Delete it and start again: netpol-labs down && netpol-labs up');
      expect(lines.some((l) => l.startsWith('cilium install') || l.startsWith('helm '))).toBe(false);
    }
  });

  it('refuses one with another Cilium or other settings, says what is wrong and how to start over', async () => {
    const release = JSON.parse(readFileSync(join(__dirname, 'fixtures/helm-release-cilium.json'), 'utf8'));
    release.chart.metadata.version = '1.19.3';
    release.config.hubble.enabled = false;
    const file = join(mkdtempSync(join(tmpdir(), 'netpol-labs-release-')), 'release.json');
    writeFileSync(file, JSON.stringify(release));
    const {code, output, lines} = await up([], {STANDIN_HELM_RELEASE: file});
    expect(code, output).toBe(1);
    expect(output).toContain('netpol-labs: kind cluster netpol-labs exists but is not one the labs can use:');
    expect(output).toContain(`  - Cilium 1.19.3 is installed, not ${CILIUM_VERSION}`);
    expect(output).toContain('  - hubble.enabled is false (the labs need true)');
    expect(output).toContain('Delete it and start again: netpol-labs down && netpol-labs up');
    expect(lines.some((l) => l.startsWith('cilium install') || l.includes(' rollout '))).toBe(false);
  });

  it('refuses one whose workloads are not ready, naming the workload', async () => {
    const {code, output} = await up([], {...WITH_FIREWALL, STANDIN_NOT_READY: 'daemonset/cilium-envoy'});
    expect(code, output).toBe(1);
    expect(output).toContain('  - daemonset/cilium-envoy in kube-system is not ready within 60s: error: timed out waiting for the condition');
    expect(output).toContain('netpol-labs down && netpol-labs up');
  });

  it('Envoy inside the agent (envoy.enabled=false): no cilium-envoy DaemonSet is waited for', async () => {
    const {code, output, lines} = await up([], {...WITH_FIREWALL, STANDIN_ENVOY: 'embedded', STANDIN_NOT_READY: 'daemonset/cilium-envoy'});
    expect(code, output).toBe(0);
    expect(lines.some((l) => l.includes('daemonset/cilium-envoy'))).toBe(false);
    expect(lines.filter((l) => l.includes(' rollout status daemonset/cilium '))).not.toEqual([]);
    expect(output).toContain('Envoy runs inside the cilium-agent (envoy.enabled=false)');
  });

  it('installs Cilium into a cluster an earlier up left without it', async () => {
    const {code, output, lines} = await up([], {STANDIN_HELM_RELEASE: 'none', STANDIN_NO_AGENT: '1'});
    expect(code, output).toBe(0);
    expect(output).toContain('Cilium is not installed in it yet');
    expect(lines.some((l) => l.startsWith('cilium install --context kind-netpol-labs'))).toBe(true);
  });
});
