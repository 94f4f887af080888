// What a page costs a reader's browser in JavaScript: every script file the page fetches until the
// network is idle, each counted gzip-compressed. Shared by the browser tests (which fail above the
// budget) and `npm run weight` (which prints the figures).
import {gzipSync} from 'node:zlib';
import type {Page} from '@playwright/test';

/** One script file a page fetched. */
export interface ScriptFile {
  url: string;
  /** Bytes as served. */
  bytes: number;
  /** Bytes after gzip -9: what a server compressing its responses would send, the same on every run. */
  gzipBytes: number;
  /** Whether this is mermaid's core (the file that defines `mermaidAPI`), the diagram library. */
  diagramLibrary: boolean;
}

/** The budget classes: a diagram needs mermaid, the playground (and a challenges page) CodeMirror and the engine. */
export type PageKind = 'page' | 'diagram' | 'playground';

/**
 * Budgets in bytes (1 KB = 1000 bytes), gzip-compressed JavaScript per page. The playground's was
 * 450 KB until the engine learned host policies and the lab format its probe kinds and cluster DNS
 * (455 KB measured then), then 470 KB. The engine and loader code for policy audit mode and for labs
 * with host policies (kind's nodes, the host firewall) took it to 470.2 KB: 480 KB takes that in. Other
 * labs than the deathstar already load when picked; the next growth should move more of the first
 * download behind a user's action rather than raise this again.
 */
export const BUDGET: Record<PageKind, number> = {
  page: 300_000,
  diagram: 450_000,
  playground: 480_000,
};

/**
 * Starts recording the script files `page` fetches; call before `page.goto`. The returned function
 * waits for every recorded body and gives the files, largest first.
 */
export function recordScripts(page: Page): () => Promise<ScriptFile[]> {
  const pending: Promise<ScriptFile>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    const url = response.url();
    let measured = measuredScripts.get(url);
    if (!measured) {
      measured = response.body().then((body) => ({
        url,
        bytes: body.length,
        gzipBytes: gzipSync(body, {level: 9}).length,
        diagramLibrary: body.includes('mermaidAPI'),
      }));
      measuredScripts.set(url, measured);
      // A failed read is not kept: the next page that fetches the file reads it again.
      measured.catch(() => measuredScripts.delete(url));
    }
    pending.push(measured);
  });
  return async () => (await Promise.all(pending)).sort((a, b) => b.gzipBytes - a.gzipBytes);
}

/**
 * Each script measured once per process, by URL: the server serves one build for the whole run (and
 * Docusaurus names its bundles by content hash), so one URL is one file, and most pages share most of
 * their files. Reading and compressing them again on every page cost each page visit seconds.
 */
const measuredScripts = new Map<string, Promise<ScriptFile>>();

/** Which budget a page falls under, given the pages that have a diagram (`diagramPages()`). */
export function pageKind(path: string, diagramPages: readonly string[]): PageKind {
  // The playground and each module's challenges page carry the same policy editor and engine.
  if (path.replace(/\/$/, '') === '/playground' || /^\/docs\/[^/]+\/challenges\/?$/.test(path)) return 'playground';
  return diagramPages.includes(path) ? 'diagram' : 'page';
}

/** Sum of the files' gzip sizes. */
export function totalGzip(files: ScriptFile[]): number {
  return files.reduce((sum, f) => sum + f.gzipBytes, 0);
}
