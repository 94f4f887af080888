import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ciliumRenderCommand, imagesInManifests} from './cilium-install';
import {CLUSTER_NAME, TIMEOUTS} from './constants';
import {loadMethod, readDockerFacts, type LoadMethod} from './docker';
import {succeeded, type Command, type Executor} from './exec';
import type {Output} from './output';
import type {Installer} from './preflight';

/**
 * `up --preload`: every image Cilium and the labs use is pulled once on this machine and loaded
 * into the kind nodes, so no node pulls from a registry. Best effort: a failed preload is a
 * warning, never a stop, because the nodes can still pull each image themselves.
 */

/** What preload needs from `up`'s options. */
export interface PreloadOptions {
  installer: Installer;
  ciliumVersion: string;
  appImages: string[];
}

/** A file name for an image's archive: the reference with every unsafe character replaced. */
export function archiveName(image: string): string {
  return `${image.replace(/[^A-Za-z0-9_.-]+/g, '_')}.tar`;
}

/**
 * The commands that bring one image into the kind nodes with a load method (see LoadMethod in
 * ./docker.ts). The pull may fail without harm when the image is already local.
 */
export function loadCommands(image: string, method: Exclude<LoadMethod, 'none'>, platform: string, archiveDir: string): {pull: Command; load: Command[]} {
  if (method === 'archive') {
    const archive = join(archiveDir, archiveName(image));
    return {
      pull: {file: 'docker', args: ['pull', '--platform', platform, image], timeoutMs: TIMEOUTS.image},
      load: [
        {file: 'docker', args: ['save', '--platform', platform, '--output', archive, image], timeoutMs: TIMEOUTS.image},
        {file: 'kind', args: ['load', 'image-archive', archive, '--name', CLUSTER_NAME], timeoutMs: TIMEOUTS.image},
      ],
    };
  }
  return {
    pull: {file: 'docker', args: ['pull', image], timeoutMs: TIMEOUTS.image},
    load: [{file: 'kind', args: ['load', 'docker-image', image, '--name', CLUSTER_NAME], timeoutMs: TIMEOUTS.image}],
  };
}

const METHOD_WORDS: Record<LoadMethod, string> = {
  archive: 'each image is saved for the nodes\' platform (docker save --platform) and loaded with kind load image-archive',
  'docker-image': 'each image is loaded with kind load docker-image',
  none: 'this Docker cannot save a single platform (docker save --platform needs API 1.48, Docker 28 or later), so kind cannot load images from its containerd image store; the nodes will pull every image themselves (upgrade Docker to preload)',
};

const tail = (r: {stderr: string; stdout: string; exitCode?: number; timedOut: boolean}) =>
  (r.stderr.trim() || r.stdout.trim()).split('\n').pop() || (r.timedOut ? 'timed out' : `exit ${r.exitCode ?? '?'}`);

/** Pulls each image and loads it into the nodes; every failure is a warning. */
export async function preload(executor: Executor, out: Output, options: PreloadOptions): Promise<void> {
  const rendered = await executor.run(ciliumRenderCommand(options.installer, options.ciliumVersion));
  if (!executor.dryRun && !succeeded(rendered)) {
    out.line(`warning: could not render Cilium ${options.ciliumVersion} to list its images (${tail(rendered)}); preloading only the labs' images, the nodes pull Cilium's`);
  }
  const images = [...new Set([...imagesInManifests(succeeded(rendered) ? rendered.stdout : ''), ...options.appImages])];
  if (executor.dryRun) out.line('# images: those rendered above (cilium, operator, envoy, hubble-relay) and the labs\' images');

  const {facts, error} = await readDockerFacts(executor);
  if (!facts) {
    out.line(`warning: preload skipped: could not read Docker's image store and API version (${error}); the nodes will pull every image themselves`);
    return;
  }
  const method = loadMethod(facts);
  const store = facts.containerdStore ? 'containerd image store' : 'classic image store';
  out.line(`${executor.dryRun ? '# assuming ' : 'preload: '}Docker ${facts.version} (API ${facts.apiVersion}, ${store}, ${facts.platform}): ${METHOD_WORDS[method]}`);
  if (method === 'none') return;

  const dir = executor.dryRun ? join(tmpdir(), 'netpol-labs-images-XXXXXX') : mkdtempSync(join(tmpdir(), 'netpol-labs-images-'));
  const failed: string[] = [];
  try {
    for (const image of images) {
      const {pull, load} = loadCommands(image, method, facts.platform, dir);
      const pulled = await executor.run(pull);
      for (const command of load) {
        const r = await executor.run(command);
        if (executor.dryRun || succeeded(r)) continue;
        const pullNote = succeeded(pulled) ? '' : ` (the pull failed too: ${tail(pulled)})`;
        out.line(`warning: could not preload ${image}: ${command.file} ${command.args.slice(0, 2).join(' ')} failed: ${tail(r)}${pullNote}; the nodes will pull it themselves`);
        failed.push(image);
        break;
      }
    }
  } finally {
    if (!executor.dryRun) rmSync(dir, {recursive: true, force: true});
  }
  if (!executor.dryRun) {
    out.line(failed.length === 0
      ? `preload: ${images.length} image(s) loaded into the nodes`
      : `preload: ${images.length - failed.length} of ${images.length} image(s) loaded; the nodes pull the other ${failed.length} (${failed.join(', ')})`);
  }
}
