// The pages of the built site, from the sitemap Docusaurus writes (so a new lesson is covered).
import {mkdirSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Page} from '@playwright/test';

/** Every page path in build/sitemap.xml, sorted. */
export function builtPages(): string[] {
  const sitemap = readFileSync('build/sitemap.xml', 'utf8');
  const paths = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  return [...new Set(paths)].sort();
}

/** A file name for a page's artifacts: `home` for `/`, `docs__deathstar__hubble` for `/docs/deathstar/hubble`. */
export function pageSlug(path: string): string {
  return path === '/' ? 'home' : path.replace(/^\/|\/$/g, '').replace(/\//g, '__');
}

/**
 * The lesson pages whose source has a ```mermaid diagram: docs/a/b.mdx is /docs/a/b, docs/a/index.mdx
 * is /docs/a/ (Docusaurus's default routes; a lesson with its own `slug:` would need adding here, and
 * the check against the sitemap below says so).
 */
export function diagramPages(): string[] {
  const pages = new Set(builtPages());
  const found: string[] = [];
  for (const file of readdirSync('docs', {recursive: true, encoding: 'utf8'})) {
    if (!/\.mdx?$/.test(file) || !/^```mermaid\b/m.test(readFileSync(join('docs', file), 'utf8'))) continue;
    const route = `/docs/${file.replace(/\\/g, '/').replace(/\.mdx?$/, '').replace(/(^|\/)index$/, '$1')}`;
    if (!pages.has(route)) throw new Error(`docs/${file} has a diagram, but its page ${route} is not in build/sitemap.xml`);
    found.push(route);
  }
  return found.sort();
}

/**
 * Saves a full-page picture as reports/screenshots/NAME.png when SCREENSHOTS is set, for a person to
 * look the pages over; otherwise nothing (a full-page capture costs a second or more per page, and a
 * failing test gets one in its report anyway: playwright.config.ts).
 */
export async function pictureOnRequest(page: Page, name: string): Promise<void> {
  if (!process.env.SCREENSHOTS) return;
  mkdirSync('reports/screenshots', {recursive: true});
  await page.screenshot({path: `reports/screenshots/${name}.png`, fullPage: true});
}
