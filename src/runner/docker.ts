import {TIMEOUTS} from './constants';
import {succeeded, type Command, type Executor} from './exec';

/**
 * What the runner needs to know about the local Docker before it loads images into kind: which
 * image store it uses, its API version and its platform. Read from `docker version` and
 * `docker info` as JSON, so nothing depends on the text layout of either.
 */

/** The Docker facts that decide how an image gets into the kind nodes. */
export interface DockerFacts {
  /** Docker's server version (29.1.3), for messages. */
  version: string;
  /** The API version the daemon speaks (1.52); decides which flags exist. */
  apiVersion: string;
  /** The daemon's platform, `linux/amd64`: kind nodes run on it (kind v0.33.0 release notes). */
  platform: string;
  /**
   * The containerd image store (the default of Docker Engine 29 and of Docker Desktop) instead of
   * the classic graph drivers. `docker info` reports it as
   * DriverStatus [["driver-type", "io.containerd.snapshotter.v1"]]
   * (https://docs.docker.com/engine/storage/containerd/).
   */
  containerdStore: boolean;
}

/** `docker version` as one JSON document (its Server part: Version, ApiVersion, Os, Arch). */
export const DOCKER_VERSION_COMMAND: Command = {file: 'docker', args: ['version', '--format', '{{json .}}'], timeoutMs: TIMEOUTS.quick};
/** `docker info` as one JSON document (its DriverStatus tells the image store). */
export const DOCKER_INFO_COMMAND: Command = {file: 'docker', args: ['info', '--format', '{{json .}}'], timeoutMs: TIMEOUTS.quick};

/**
 * The Docker API version from which `docker save --platform` exists: the CLI marks the flag with
 * API 1.48 (docker/cli cli/command/image/save.go), which Docker Engine 28.0 serves.
 */
export const SAVE_PLATFORM_API = '1.48';

/** Reads the facts from the two JSON documents; undefined when either is not what Docker prints. */
export function parseDockerFacts(versionJson: string, infoJson: string): DockerFacts | undefined {
  let version: {Server?: {Version?: string; ApiVersion?: string; Os?: string; Arch?: string}};
  let info: {DriverStatus?: [string, string][] | null; OSType?: string};
  try {
    version = JSON.parse(versionJson);
    info = JSON.parse(infoJson);
  } catch {
    return undefined;
  }
  const server = version.Server;
  if (!server?.ApiVersion || !server.Arch) return undefined;
  const driverType = (info.DriverStatus ?? []).find(([key]) => key === 'driver-type')?.[1] ?? '';
  return {
    version: server.Version ?? 'unknown',
    apiVersion: server.ApiVersion,
    platform: `${server.Os ?? info.OSType ?? 'linux'}/${server.Arch}`,
    containerdStore: driverType.startsWith('io.containerd.snapshotter'),
  };
}

/** a >= b for API versions like 1.48. */
export function apiAtLeast(a: string, b: string): boolean {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am > bm : (an ?? 0) >= (bn ?? 0);
}

/**
 * How images reach the kind nodes on this Docker:
 * - `archive`: pull the node's platform only, `docker save --platform` it, `kind load image-archive`.
 *   `kind load docker-image` saves without a platform and imports every platform of the index; on
 *   the containerd store only the pulled platform's blobs exist, so the import fails with
 *   "content digest ... not found" (kubernetes-sigs/kind issue 3795). A one-platform archive imports.
 * - `docker-image`: the classic store saves just the image Docker holds: `kind load docker-image` works.
 * - `none`: the containerd store on an API older than 1.48 cannot save one platform, so no load
 *   would succeed; the nodes pull the images themselves.
 */
export type LoadMethod = 'archive' | 'docker-image' | 'none';

/** Picks the load method for these facts (see LoadMethod). */
export function loadMethod(facts: DockerFacts): LoadMethod {
  if (apiAtLeast(facts.apiVersion, SAVE_PLATFORM_API)) return 'archive';
  return facts.containerdStore ? 'none' : 'docker-image';
}

/**
 * What a dry run assumes: a current Docker (29, API 1.52, containerd image store, the default on
 * GitHub's Ubuntu runners and on Docker Desktop) on this machine's architecture.
 */
export function assumedDockerFacts(arch: string = process.arch): DockerFacts {
  const goArch = arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
  return {version: '29', apiVersion: '1.52', platform: `linux/${goArch}`, containerdStore: true};
}

/** Asks Docker; undefined (with the reason) when it cannot be read. */
export async function readDockerFacts(executor: Executor): Promise<{facts?: DockerFacts; error?: string}> {
  if (executor.dryRun) {
    await executor.run(DOCKER_VERSION_COMMAND);
    await executor.run(DOCKER_INFO_COMMAND);
    return {facts: assumedDockerFacts()};
  }
  const version = await executor.run(DOCKER_VERSION_COMMAND);
  const info = await executor.run(DOCKER_INFO_COMMAND);
  if (!succeeded(version) || !succeeded(info)) {
    return {error: (version.stderr || info.stderr).trim().split('\n').pop() || 'docker version/info failed'};
  }
  const facts = parseDockerFacts(version.stdout, info.stdout);
  return facts ? {facts} : {error: 'docker version/info printed no server API version or platform'};
}
