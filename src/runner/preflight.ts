import {accessSync, constants, statSync} from 'node:fs';
import {delimiter, join} from 'node:path';
import {CILIUM_CLI_VERSION, KIND_VERSION, MIN_VERSIONS, TIMEOUTS} from './constants';
import type {Command, Executor} from './exec';
import {succeeded} from './exec';

/** The external tools the real targets use. */
export type Tool = 'docker' | 'kind' | 'kubectl' | 'cilium' | 'helm';

/** How to install each tool, shown when it is missing. */
export const INSTALL_HINTS: Record<Tool, string> = {
  docker: 'install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop, and start it',
  kind: `install kind ${KIND_VERSION}: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (or: go install sigs.k8s.io/kind@${KIND_VERSION})`,
  kubectl: 'install kubectl: https://kubernetes.io/docs/tasks/tools/',
  cilium: `install the cilium CLI ${CILIUM_CLI_VERSION}: https://docs.cilium.io/en/stable/gettingstarted/k8s-install-default/#install-the-cilium-cli`,
  helm: 'or install helm 3: https://helm.sh/docs/intro/install/',
};

const VERSION_COMMANDS: Record<Tool, string[]> = {
  // Asking for the server version also proves the daemon is running, which kind needs.
  docker: ['version', '--format', '{{.Server.Version}}'],
  kind: ['version'],
  kubectl: ['version', '--client', '--output=json'],
  cilium: ['version', '--client'],
  helm: ['version', '--short'],
};

/** Which tool installs Cilium: `cilium install` (the cilium CLI) or `helm upgrade --install`. */
export type Installer = 'cilium-cli' | 'helm';
export const INSTALLERS: readonly Installer[] = ['cilium-cli', 'helm'];

/** What preflight found about one tool. */
export interface ToolCheck {
  tool: Tool;
  /** Absolute path, when found on PATH. */
  path?: string;
  version?: string;
  /** A problem other than "not installed" (daemon down, too old). */
  problem?: string;
  /** Something worth saying that is not a problem (the version could not be read in time). */
  note?: string;
}

/** The result of a preflight: what is there, what is missing, and the message to print. */
export interface PreflightReport {
  ok: boolean;
  checks: ToolCheck[];
  /** Which installs Cilium: the one asked for, else the cilium CLI when present, else helm. */
  installer?: Installer;
  /** Lines for the user: one per missing or broken tool, with how to fix it. */
  messages: string[];
}

/** Finds an executable on a PATH string, like `command -v`, without running anything. */
export function findOnPath(name: string, pathValue: string | undefined): string | undefined {
  for (const dir of (pathValue ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Pulls a version number (1.2.3) out of a tool's version output. */
export function parseVersion(tool: Tool, output: string): string | undefined {
  if (tool === 'kubectl') {
    try {
      const v = JSON.parse(output)?.clientVersion?.gitVersion;
      if (typeof v === 'string') return v.replace(/^v/, '');
    } catch {
      // older kubectl: fall through to the text form
    }
  }
  if (tool === 'cilium') {
    const m = /cilium-cli:\s*v?(\d+\.\d+\.\d+)/.exec(output);
    if (m) return m[1];
  }
  return /v?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** a < b for dotted versions. */
export function versionLess(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) < (pb[i] ?? 0);
  }
  return false;
}

/** Which tools a command needs. `cilium-or-helm` is satisfied by either. */
export interface Needs {
  tools: Tool[];
  ciliumOrHelm: boolean;
  /** The installer the user chose (--installer); then only that one will do. */
  installer?: Installer;
}

/**
 * Checks that the tools are installed and new enough. Lookups on PATH run nothing; version commands
 * go through the executor, so a dry run lists them and runs none. Missing tools are reported all at
 * once, each with how to install it.
 */
export async function preflight(
  executor: Executor,
  needs: Needs,
  env: NodeJS.ProcessEnv = process.env,
  versionTimeoutMs: number = TIMEOUTS.quick,
): Promise<PreflightReport> {
  const checks: ToolCheck[] = [];
  const messages: string[] = [];
  const check = async (tool: Tool): Promise<ToolCheck> => {
    const path = findOnPath(tool, env.PATH);
    if (!path) return {tool};
    const command: Command = {file: tool, args: VERSION_COMMANDS[tool], timeoutMs: versionTimeoutMs};
    const result = await executor.run(command);
    if (executor.dryRun) return {tool, path};
    if (tool === 'cilium' && !succeeded(result)) {
      // `cilium version --client` prints its own version first, then fetches the latest stable
      // Cilium version over the network with no timeout (cilium-cli/cli/version.go,
      // getLatestStableVersion): offline or behind a slow proxy it hangs or fails after the line
      // that matters. The binary is there, so the CLI is installed; only its version may be unknown.
      const version = parseVersion(tool, result.stdout);
      const why = result.timedOut ? `did not finish within ${versionTimeoutMs / 1000} s` : `exited ${result.exitCode ?? '?'}`;
      return {tool, path, version, note: `"cilium version --client" ${why} (it asks the network for the latest Cilium release); ${version ? 'version read from its first line' : 'version unknown'}`};
    }
    if (!succeeded(result)) {
      const detail = (result.stderr || result.stdout).trim().split('\n').pop() ?? '';
      const problem = tool === 'docker'
        ? `docker is installed but its daemon is not reachable (${detail || `exit ${result.exitCode}`}); start Docker and retry`
        : `${tool} is installed at ${path} but "${tool} ${VERSION_COMMANDS[tool].join(' ')}" failed: ${detail || `exit ${result.exitCode}`}`;
      return {tool, path, problem};
    }
    const version = parseVersion(tool, result.stdout);
    const min = tool === 'docker' ? undefined : MIN_VERSIONS[tool];
    if (version && min && versionLess(version, min)) {
      return {tool, path, version, problem: `${tool} ${version} is older than ${min}, which this runner needs; ${INSTALL_HINTS[tool]}`};
    }
    return {tool, path, version};
  };

  for (const tool of needs.tools) checks.push(await check(tool));
  let installer: PreflightReport['installer'];
  if (needs.ciliumOrHelm && needs.installer) {
    // The user chose: only that tool will do, and it is reported like any other missing tool.
    const tool: Tool = needs.installer === 'cilium-cli' ? 'cilium' : 'helm';
    const c = await check(tool);
    checks.push(c);
    if (c.path && !c.problem) installer = needs.installer;
    else if (!c.path) messages.push(`missing: ${tool === 'cilium' ? 'the cilium CLI' : 'helm'} (--installer ${needs.installer})\n    ${INSTALL_HINTS[tool].replace(/^or /, '')}`);
  } else if (needs.ciliumOrHelm) {
    const cilium = await check('cilium');
    checks.push(cilium);
    if (cilium.path && !cilium.problem) {
      installer = 'cilium-cli';
    } else {
      const helm = await check('helm');
      checks.push(helm);
      if (helm.path && !helm.problem) installer = 'helm';
    }
    if (!installer) {
      messages.push(`missing: the cilium CLI or helm (to install Cilium)\n    ${INSTALL_HINTS.cilium}\n    ${INSTALL_HINTS.helm}`);
    }
  }
  for (const c of checks) {
    if (c.tool === 'cilium' || c.tool === 'helm') {
      if (c.problem && !installer) messages.push(c.problem);
      continue;
    }
    if (!c.path) messages.push(`missing: ${c.tool}\n    ${INSTALL_HINTS[c.tool]}`);
    else if (c.problem) messages.push(c.problem);
  }
  return {ok: messages.length === 0, checks, installer, messages};
}

/** Renders the report for the terminal. */
export function formatPreflight(report: PreflightReport): string {
  const found = report.checks
    .filter((c) => c.path)
    .map((c) => `${c.tool}${c.version ? ` ${c.version}` : ''}`)
    .join(', ');
  const lines = [`preflight: ${report.ok ? 'ok' : 'missing tools'}${found ? ` (found: ${found})` : ''}`];
  for (const c of report.checks) if (c.note) lines.push(`  note: ${c.tool}: ${c.note}`);
  for (const m of report.messages) lines.push(`  ${m}`);
  return lines.join('\n');
}
