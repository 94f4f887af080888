// The browser tests' `test`: Playwright's, with a page whose goto and reload also wait for React to
// hydrate the page.
//
// Why: on hydration Docusaurus re-renders every code block from scratch (theme-classic
// src/theme/CodeBlock/index.tsx gives the block key={String(isBrowser)}, so the Prism colours of the
// reader's colour mode apply) and marks <html data-has-hydrated="true"> in the same render
// (@docusaurus/core src/client/hasHydratedDataAttribute.tsx). `networkidle` does not wait for that:
// on a busy machine a test could measure or click a code block React is about to replace.
import {test as base, expect} from '@playwright/test';
import type {Page} from '@playwright/test';

/** Waits until Docusaurus has hydrated the page (its data-has-hydrated mark on <html>). */
export async function hydrated(page: Page): Promise<void> {
  await page.locator('html[data-has-hydrated="true"]').waitFor({state: 'attached'});
}

/**
 * Whether a navigation should wait for hydration: a site page loaded to `load` or `networkidle`
 * (Playwright's default is `load`). A test that asks for `domcontentloaded` or `commit` wants the page
 * before its scripts have run (or blocks them), and `about:blank` never hydrates.
 */
function waitsForHydration(url: string, waitUntil: string | undefined): boolean {
  return !url.startsWith('about:') && (waitUntil === undefined || waitUntil === 'load' || waitUntil === 'networkidle');
}

export const test = base.extend({
  page: async ({page, javaScriptEnabled}, use) => {
    // Without JavaScript nothing hydrates: those tests read the server's HTML as it is.
    if (javaScriptEnabled !== false) {
      const goto = page.goto.bind(page);
      const reload = page.reload.bind(page);
      page.goto = async (url, options) => {
        const response = await goto(url, options);
        if (waitsForHydration(url, options?.waitUntil)) await hydrated(page);
        return response;
      };
      page.reload = async (options) => {
        const response = await reload(options);
        if (waitsForHydration(page.url(), options?.waitUntil)) await hydrated(page);
        return response;
      };
    }
    await use(page);
  },
});

export {expect};
