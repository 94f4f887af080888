// The built site in a real browser, as a learner meets it. Run after `npm run build`.
import {mkdirSync, readFileSync} from 'node:fs';
import {expect, test, type Page} from '@playwright/test';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';

const SCREENSHOTS = 'reports/screenshots';

/** Every page of the built site, from the sitemap Docusaurus writes (so a new lesson is covered). */
function builtPages(): string[] {
  const sitemap = readFileSync('build/sitemap.xml', 'utf8');
  const paths = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  return [...new Set(paths)].filter((p) => p !== '/search').sort();
}

const pages = builtPages();
const lessonPages = pages.filter((p) => p.startsWith('/docs/'));
const labs = listLabDirs().map((dir) => readLabOrThrow(dir));

/** Opens a page and fails on any console error or uncaught exception. */
async function openClean(page: Page, path: string): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  const response = await page.goto(path, {waitUntil: 'networkidle'});
  expect(response?.status(), `${path} status`).toBe(200);
  await expect(page.locator('main')).toBeVisible();
  return problems;
}

/** The text of every code block on the page, as a reader would copy it. */
async function codeBlockTexts(page: Page): Promise<string[]> {
  return page.locator('pre code').evaluateAll((blocks) =>
    blocks.map((block) =>
      // One .token-line per source line. With line numbers on, the number is a CSS counter in its
      // own span, which innerText renders as a leading tab; read the content span instead.
      Array.from(block.querySelectorAll('.token-line'))
        .map((line) => {
          const content = line.querySelector('[class*="codeLineContent"]') ?? line;
          return (content as HTMLElement).innerText.replace(/\n$/, '');
        })
        .join('\n'),
    ),
  );
}

test('the sitemap lists the lessons', () => {
  expect(lessonPages.length).toBeGreaterThanOrEqual(8);
  expect(pages).toContain('/');
});

for (const path of pages) {
  test(`page ${path} loads with no console error`, async ({page}) => {
    const problems = await openClean(page, path);
    await expect(page.locator('h1').first()).toBeVisible();
    mkdirSync(SCREENSHOTS, {recursive: true});
    const name = path === '/' ? 'home' : path.replace(/^\/|\/$/g, '').replace(/\//g, '__');
    await page.screenshot({path: `${SCREENSHOTS}/${name}.png`, fullPage: true});
    expect(problems).toEqual([]);
  });
}

test('every lab manifest is shown verbatim in a CodeBlock, with its path as the title', async ({page}) => {
  const shown = new Map<string, string[]>();
  for (const path of lessonPages) {
    await page.goto(path, {waitUntil: 'networkidle'});
    shown.set(path, await codeBlockTexts(page));
  }
  const all = [...shown.values()].flat();
  for (const lab of labs) {
    const manifests = new Map([...lab.app, ...lab.steps.flatMap((s) => s.policies)].map((m) => [m.file, m]));
    for (const manifest of manifests.values()) {
      const expected = manifest.text.replace(/\n$/, '');
      expect(all.includes(expected), `${manifest.file} should appear verbatim on a lesson page`).toBe(true);
    }
  }
});

test('the Kubernetes lesson highlights the lines it explains, with line numbers', async ({page}) => {
  await page.goto('/docs/deathstar/kubernetes-l3-l4', {waitUntil: 'networkidle'});
  const block = page.locator('.theme-code-block', {hasText: 'deathstar-allow-empire'}).first();
  await expect(block).toBeVisible();
  await expect(block.locator('.theme-code-block-highlighted-line').first()).toBeVisible();
  await expect(block.locator('[class*="codeLineNumber"]').first()).toBeVisible();
  await expect(block.locator('[class*="codeBlockTitle"]')).toHaveText('labs/deathstar/deathstar-allow-empire.yaml');
  const highlighted = await block.locator('.theme-code-block-highlighted-line').allInnerTexts();
  expect(highlighted.join('\n')).toContain('podSelector');
});

for (const lab of labs) {
  for (const step of lab.steps.filter((s) => s.lesson)) {
    test(`${lab.id}: the lesson for step ${step.id} shows its probe table`, async ({page}) => {
      await page.goto(`/docs/${step.lesson}`, {waitUntil: 'networkidle'});
      const table = page.locator(`[data-testid="probe-table"][data-step="${step.id}"]`);
      await expect(table).toBeVisible();
      const rows = table.locator('[data-testid="probe-row"]');
      await expect(rows).toHaveCount(step.probes.length);
      for (const [i, probe] of step.probes.entries()) {
        const row = rows.nth(i);
        await expect(row).toHaveAttribute('data-expect', probe.expect);
        await expect(row).toContainText(probe.expect);
        await expect(row).toContainText(probe.from);
        await expect(row).toContainText(`${probe.method} ${probe.target.path}`);
      }
    });
  }
}

test('search finds the deathstar lessons', async ({page}) => {
  await page.goto('/search?q=deathstar', {waitUntil: 'networkidle'});
  await expect(page.getByRole('heading', {level: 1})).toHaveText('Search results for "deathstar"');
  const results = page.locator('article a[href*="/docs/deathstar"]');
  await expect(results.first()).toBeVisible();
  expect(await results.count()).toBeGreaterThan(1);
});

test('the navbar search suggests lessons as you type', async ({page}) => {
  await page.goto('/', {waitUntil: 'networkidle'});
  const input = page.getByRole('searchbox').or(page.locator('input.navbar__search-input')).first();
  await input.fill('deathstar');
  const suggestions = page.getByRole('listbox').getByRole('option');
  await expect(suggestions.first()).toBeVisible();
  await expect(suggestions.filter({hasText: /deathstar/i}).first()).toBeVisible();
  // Choosing a suggestion opens the lesson it came from.
  await suggestions.first().click();
  await expect(page).toHaveURL(/\/docs\/deathstar\//);
});

test('dark mode switches the code highlight colours too', async ({page}) => {
  await page.goto('/docs/deathstar/kubernetes-l3-l4', {waitUntil: 'networkidle'});
  await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
  const background = await page
    .locator('.theme-code-block-highlighted-line')
    .first()
    .evaluate((line) => getComputedStyle(line).backgroundColor);
  expect(background).not.toBe('rgba(0, 0, 0, 0)');
});
