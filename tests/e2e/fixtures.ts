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

export const test = base.extend({
  page: async ({page, javaScriptEnabled}, use) => {
    // Without JavaScript nothing hydrates: those tests read the server's HTML as it is.
    if (javaScriptEnabled !== false) {
      const goto = page.goto.bind(page);
      const reload = page.reload.bind(page);
      page.goto = async (url, options) => {
        const response = await goto(url, options);
        await hydrated(page);
        return response;
      };
      page.reload = async (options) => {
        const response = await reload(options);
        await hydrated(page);
        return response;
      };
    }
    await use(page);
  },
});

export {expect};
