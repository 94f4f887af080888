/** Preflight with real PATHs: an empty one, and one with stand-in tools that print real version lines. */
import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {ExecaExecutor} from '../../src/runner/exec';
import {findOnPath, formatPreflight, parseVersion, preflight} from '../../src/runner/preflight';

const KIND_NEEDS = {tools: ['docker', 'kind', 'kubectl'] as const, ciliumOrHelm: true};

function fakeBin(tools: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-labs-bin-'));
  for (const [name, script] of Object.entries(tools)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('preflight', () => {
  it('names every missing tool with how to install it, and runs nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'netpol-labs-nopath-'));
    const report = await preflight(new ExecaExecutor(), {tools: [...KIND_NEEDS.tools], ciliumOrHelm: true}, {PATH: empty});
    expect(report.ok).toBe(false);
    expect(report.installer).toBeUndefined();
    const text = formatPreflight(report);
    expect(text).toContain('preflight: missing tools');
    expect(text).toContain('missing: docker\n    install Docker Engine (https://docs.docker.com/engine/install/)');
    expect(text).toContain('missing: kind\n    install kind v0.33.0: https://kind.sigs.k8s.io/docs/user/quick-start/#installation');
    expect(text).toContain('missing: kubectl\n    install kubectl: https://kubernetes.io/docs/tasks/tools/');
    expect(text).toContain('missing: the cilium CLI or helm (to install Cilium)');
    expect(text).toContain('https://helm.sh/docs/intro/install/');
  });

  it('reads versions, prefers the cilium CLI, and explains a docker whose daemon is down', async () => {
    const bin = fakeBin({
      docker: 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1',
      kind: 'echo "kind v0.33.0 go1.24.2 linux/amd64"',
      kubectl: `echo '{"clientVersion":{"gitVersion":"v1.37.0"}}'`,
      cilium: 'echo "cilium-cli: v0.19.7 compiled with go1.24 on linux/amd64"; echo "cilium image (default): v1.20.0"',
    });
    const report = await preflight(new ExecaExecutor({env: {PATH: bin}}), {tools: [...KIND_NEEDS.tools], ciliumOrHelm: true}, {PATH: bin});
    expect(report.installer).toBe('cilium-cli');
    expect(report.checks.find((c) => c.tool === 'kind')?.version).toBe('0.33.0');
    expect(report.checks.find((c) => c.tool === 'kubectl')?.version).toBe('1.37.0');
    expect(report.checks.find((c) => c.tool === 'cilium')?.version).toBe('0.19.7');
    expect(report.ok).toBe(false);
    expect(report.messages).toEqual([
      'docker is installed but its daemon is not reachable (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?); start Docker and retry',
    ]);
  });

  it('falls back to helm and flags a kind too old for 1.36+ node images', async () => {
    const bin = fakeBin({
      docker: 'echo 28.0.1',
      kind: 'echo "kind v0.20.0 go1.20 linux/amd64"',
      kubectl: `echo '{"clientVersion":{"gitVersion":"v1.37.0"}}'`,
      helm: 'echo "v3.17.2+gcc0bbbd"',
    });
    const report = await preflight(new ExecaExecutor({env: {PATH: bin}}), {tools: [...KIND_NEEDS.tools], ciliumOrHelm: true}, {PATH: bin});
    expect(report.installer).toBe('helm');
    expect(report.messages).toHaveLength(1);
    expect(report.messages[0]).toMatch(/^kind 0\.20\.0 is older than 0\.32\.0/);
  });

  it('finds executables only', () => {
    const bin = fakeBin({kind: 'true'});
    writeFileSync(join(bin, 'helm'), 'not executable');
    expect(findOnPath('kind', `/nonexistent:${bin}`)).toBe(join(bin, 'kind'));
    expect(findOnPath('helm', bin)).toBeUndefined();
    expect(parseVersion('helm', 'v3.17.2+gcc0bbbd')).toBe('3.17.2');
  });
});

describe('preflight with a cilium CLI that cannot reach the network', () => {
  // cilium-cli/cli/version.go prints its own version, then fetches the latest stable Cilium version
  // over the network with no timeout: offline it hangs after the first lines.
  it('a hanging `cilium version --client` is "installed", with the version from its first line, not missing', async () => {
    // helm is there too: a CLI that merely hangs must not make preflight fall back to it.
    const bin = fakeBin({
      cilium: 'echo "cilium-cli: v0.19.7 compiled with go1.25.4 on linux/amd64"; echo "cilium image (default): v1.20.2"; exec sleep 30',
      helm: 'echo "v3.19.0+g3d8990f"',
    });
    const started = Date.now();
    const report = await preflight(new ExecaExecutor({env: {PATH: `${bin}:/usr/bin:/bin`}}), {tools: [], ciliumOrHelm: true}, {PATH: bin}, 500);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.ok).toBe(true);
    expect(report.installer).toBe('cilium-cli');
    const cilium = report.checks.find((c) => c.tool === 'cilium')!;
    expect(cilium).toMatchObject({version: '0.19.7'});
    expect(cilium.problem).toBeUndefined();
    expect(formatPreflight(report)).toContain('note: cilium: "cilium version --client" did not finish within 0.5 s (it asks the network for the latest Cilium release); version read from its first line');
  });

  it('one that fails before printing anything is installed with its version unknown', async () => {
    const bin = fakeBin({cilium: 'echo "Get \\"https://raw.githubusercontent.com/cilium/cilium/main/stable.txt\\": dial tcp: lookup raw.githubusercontent.com: no such host" >&2; exit 1'});
    const report = await preflight(new ExecaExecutor({env: {PATH: bin}}), {tools: [], ciliumOrHelm: true}, {PATH: bin}, 2_000);
    expect(report).toMatchObject({ok: true, installer: 'cilium-cli', messages: []});
    expect(report.checks[0].note).toContain('version unknown');
  });

  it('--installer helm needs helm, and says so when only the cilium CLI is there', async () => {
    const bin = fakeBin({cilium: 'echo "cilium-cli: v0.19.7 compiled with go1.25.4 on linux/amd64"'});
    const report = await preflight(new ExecaExecutor({env: {PATH: bin}}), {tools: [], ciliumOrHelm: true, installer: 'helm'}, {PATH: bin});
    expect(report.ok).toBe(false);
    expect(report.messages).toEqual(['missing: helm (--installer helm)\n    install helm 3: https://helm.sh/docs/intro/install/']);
  });
});
