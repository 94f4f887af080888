import {gunzipSync} from 'node:zlib';
import {CILIUM_HELM_REPO, CILIUM_RELEASE, KIND_CONTEXT, TIMEOUTS} from './constants';
import {succeeded, type Command, type Executor} from './exec';
import type {Kubectl} from './kubectl';
import type {Installer} from './preflight';

/**
 * Cilium as the runner installs it: the values, the install and render commands for either
 * installer, and what an installed Cilium must look like to be reused (its Helm release and the
 * workloads that must be ready).
 */

/**
 * Helm values for Cilium, identical for the cilium CLI (`--set`) and helm. Why each one:
 * - hubble + relay: flows are attached to probe results as evidence;
 * - bpf.monitorAggregation=none: complete flow output, so a single dropped SYN shows up;
 * - ipam.mode=kubernetes, image.pullPolicy=IfNotPresent: kind's pod CIDRs, and preloaded images are used;
 * - *.image.useDigest=false: `kind load` images are found by tag only, digests would force a pull.
 */
export const CILIUM_VALUES: readonly string[] = [
  'hubble.enabled=true',
  'hubble.relay.enabled=true',
  'bpf.monitorAggregation=none',
  'ipam.mode=kubernetes',
  'image.pullPolicy=IfNotPresent',
  'image.useDigest=false',
  'operator.image.useDigest=false',
  'envoy.image.useDigest=false',
  'hubble.relay.image.useDigest=false',
];

/** `--set` flags for the labs' values and any extra ones (the host firewall, when a lab needs it). */
const setFlags = (extra: readonly string[] = []): string[] => [...CILIUM_VALUES, ...extra].flatMap((v) => ['--set', v]);

/**
 * The chart by repository URL (`--repo`), for helm: it needs no `helm repo add` first and leaves
 * the user's repository list alone (`helm template`/`upgrade` take --repo, helm's ChartPathOptions).
 */
const CHART = ['cilium', '--repo', CILIUM_HELM_REPO];

/**
 * Commands of the Cilium install, for either installer.
 *
 * @param extraValues Helm values beyond CILIUM_VALUES, e.g. `hostFirewall.enabled=true`
 */
export function ciliumInstallCommands(installer: Installer, version: string, extraValues: readonly string[] = []): Command[] {
  if (installer === 'cilium-cli') {
    return [
      {file: 'cilium', args: ['install', '--context', KIND_CONTEXT, '--version', version, ...setFlags(extraValues)], timeoutMs: TIMEOUTS.ciliumInstall},
      // --interactive=false: print plain lines instead of redrawing a status box (CI logs).
      {
        file: 'cilium',
        args: ['status', '--context', KIND_CONTEXT, '--wait', '--wait-duration', '10m', '--interactive=false'],
        timeoutMs: TIMEOUTS.ciliumWait,
      },
    ];
  }
  return [
    {
      file: 'helm',
      args: ['upgrade', '--install', CILIUM_RELEASE, ...CHART, '--kube-context', KIND_CONTEXT, '--namespace', 'kube-system',
        '--version', version, ...setFlags(extraValues), '--wait', '--timeout', '10m'],
      timeoutMs: TIMEOUTS.ciliumWait,
    },
  ];
}

/** The command that renders Cilium's manifests without installing, to learn which images it uses. */
export function ciliumRenderCommand(installer: Installer, version: string): Command {
  if (installer === 'cilium-cli') {
    return {file: 'cilium', args: ['install', '--context', KIND_CONTEXT, '--version', version, ...setFlags(), '--dry-run'], timeoutMs: TIMEOUTS.ciliumInstall};
  }
  return {
    file: 'helm',
    args: ['template', CILIUM_RELEASE, ...CHART, '--namespace', 'kube-system', '--version', version, ...setFlags()],
    timeoutMs: TIMEOUTS.ciliumInstall,
  };
}

/** Every `image:` of rendered manifests, de-duplicated, in order. */
export function imagesInManifests(rendered: string): string[] {
  const images = new Set<string>();
  for (const m of rendered.matchAll(/^\s*(?:-\s*)?image:\s*["']?([^\s"']+)["']?\s*$/gm)) images.add(m[1]);
  return [...images];
}

/** The parts of a Helm release the runner reads (helm's pkg/release Release, as JSON). */
export interface HelmRelease {
  name?: string;
  namespace?: string;
  version?: number;
  info?: {status?: string};
  chart?: {metadata?: {name?: string; version?: string}};
  /** The values given at install (`--set`), nested as helm parses them. */
  config?: Record<string, unknown>;
}

/**
 * Lists the Secrets in which Helm stores the Cilium release (helm's storage driver "secret", the
 * default: one Secret per revision, labelled owner=helm and name=<release>; pkg/storage/driver/secrets.go).
 * Both installers leave one: the cilium CLI installs through Helm. Read with kubectl, so no helm is needed.
 */
export function releaseSecretsCommand(kubectl: Kubectl): Command {
  return kubectl.command(['get', 'secrets', '--namespace', 'kube-system', '--selector', `owner=helm,name=${CILIUM_RELEASE}`, '--output', 'json'], {timeoutMs: TIMEOUTS.quick});
}

/**
 * The newest revision of the release in a `kubectl get secrets -o json` list, decoded. Helm writes
 * the release as JSON, gzipped, base64 encoded (pkg/storage/driver/util.go encodeRelease), into
 * the Secret's `release` key, which the API then base64-encodes again as all Secret data.
 */
export function newestRelease(secretList: string): HelmRelease | undefined {
  const items = (JSON.parse(secretList).items ?? []) as {metadata?: {labels?: Record<string, string>}; data?: {release?: string}}[];
  const newest = items
    .filter((i) => i.data?.release)
    .sort((a, b) => Number(b.metadata?.labels?.version ?? 0) - Number(a.metadata?.labels?.version ?? 0))[0];
  if (!newest) return undefined;
  const helmText = Buffer.from(newest.data!.release!, 'base64').toString('utf8');
  const bytes = Buffer.from(helmText, 'base64');
  // Releases stored before helm compressed them are plain JSON (decodeRelease checks the gzip magic).
  const json = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return JSON.parse(json) as HelmRelease;
}

/** The value at a dotted path of nested values (`hubble.relay.enabled`). */
function valueAt(values: Record<string, unknown> | undefined, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), values);
}

/**
 * Why a release is not one the labs can use: not deployed, another chart version, or a value the
 * runner sets (CILIUM_VALUES) that is missing or different. Empty when it is fine.
 */
export function releaseProblems(release: HelmRelease | undefined, version: string): string[] {
  if (!release) return [`no Helm release "${CILIUM_RELEASE}" in kube-system`];
  const problems: string[] = [];
  const status = release.info?.status ?? 'unknown';
  if (status !== 'deployed') problems.push(`the Helm release "${CILIUM_RELEASE}" is ${status}, not deployed`);
  const chartVersion = release.chart?.metadata?.version ?? 'unknown';
  if (chartVersion !== version) problems.push(`Cilium ${chartVersion} is installed, not ${version}`);
  for (const setting of CILIUM_VALUES) {
    const [path, expected] = setting.split('=');
    const actual = valueAt(release.config, path);
    if (actual === undefined) problems.push(`${path} is not set (the labs need ${expected})`);
    else if (String(actual) !== expected) problems.push(`${path} is ${String(actual)} (the labs need ${expected})`);
  }
  return problems;
}

/** A workload in kube-system that must be ready before any step. */
export type Workload = 'daemonset/cilium' | 'deployment/cilium-operator' | 'daemonset/cilium-envoy' | 'deployment/hubble-relay';

/**
 * Where Envoy runs. Since Cilium 1.16 it is the `cilium-envoy` DaemonSet by default; with
 * `envoy.enabled=false` it is embedded in the cilium-agent (Documentation/security/network/proxy/envoy.rst).
 * The chart writes which into the cilium-config ConfigMap as `external-envoy-proxy`
 * (install/kubernetes/cilium/templates/cilium-configmap.yaml).
 */
export type EnvoyMode = 'daemonset' | 'embedded';

/** Reads the Envoy mode from cilium-config; a dry run assumes the default (the DaemonSet). */
export async function envoyMode(executor: Executor, kubectl: Kubectl): Promise<EnvoyMode> {
  const r = await executor.run(
    kubectl.command(['get', 'configmap', 'cilium-config', '--namespace', 'kube-system', '--output', 'jsonpath={.data.external-envoy-proxy}'], {timeoutMs: TIMEOUTS.quick}),
  );
  if (executor.dryRun || !succeeded(r)) return 'daemonset';
  return r.stdout.trim() === 'false' ? 'embedded' : 'daemonset';
}

/** The workloads that must be ready: cilium-envoy serves every L7 rule when it runs on its own. */
export function ciliumWorkloads(mode: EnvoyMode): Workload[] {
  return ['daemonset/cilium', 'deployment/cilium-operator', ...(mode === 'daemonset' ? (['daemonset/cilium-envoy'] as const) : []), 'deployment/hubble-relay'];
}

/** One line on where Envoy runs, for `up` and `status`. */
export function describeEnvoy(mode: EnvoyMode): string {
  return mode === 'daemonset' ? 'Envoy runs as the cilium-envoy DaemonSet' : 'Envoy runs inside the cilium-agent (envoy.enabled=false): the agent being ready covers it';
}
