// The built site in a real browser, as a learner meets it. Run after `npm run build`.
import {readFileSync} from 'node:fs';
import {expect, test} from './fixtures';
import {seriousAccessibilityFindings} from './accessibility';
import {type Page} from '@playwright/test';
import {listLabDirs, readLabOrThrow, shownLabFiles} from '../../src/lab/node/read-lab';
import {BUDGET, pageKind, recordScripts, totalGzip} from './page-weight';
import {builtPages, diagramPages, pageSlug, pictureOnRequest} from './site-pages';


const pages = builtPages();
const diagrams = diagramPages();
const lessonPages = pages.filter((p) => p.startsWith('/docs/'));
const labs = listLabDirs().map((dir) => readLabOrThrow(dir));

/** The page a lesson id names: `netpol/and-or` is /docs/netpol/and-or, `netpol/index` is /docs/netpol/. */
const lessonRoute = (lesson: string) => `/docs/${lesson}`.replace(/\/index$/, '/');

/** Every lab step with a lesson, by the page that shows its probe table. */
const stepsByPage = new Map<string, {lab: string; step: (typeof labs)[number]['steps'][number]}[]>();
for (const lab of labs) {
  for (const step of lab.steps.filter((s) => s.lesson)) {
    const route = lessonRoute(step.lesson!);
    stepsByPage.set(route, [...(stepsByPage.get(route) ?? []), {lab: lab.id, step}]);
  }
}

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

/**
 * How far the page scrolls sideways (0 when it does not), and the outermost elements that stick out
 * past the right edge of the window to cause it. Content inside a box that scrolls or clips on its
 * own is fine, and so is a fixed element (it never scrolls the page: the hidden "skip to content" link).
 */
async function sidewaysScroll(page: Page): Promise<{excess: number; culprits: string[]}> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const excess = root.scrollWidth - width;
    const culprits: string[] = [];
    if (excess <= 0) return {excess: 0, culprits};
    const contained = (el: Element): boolean => {
      for (let p: Element | null = el; p && p !== document.body; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (style.position === 'fixed' || (p !== el && style.overflowX !== 'visible')) return true;
      }
      return false;
    };
    const reported: Element[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 1 || contained(el)) continue;
      if (reported.some((r) => r.contains(el))) continue;
      reported.push(el);
      const classes = typeof el.className === 'string' ? el.className.split(/\s+/).filter(Boolean).slice(0, 2).join('.') : '';
      const text = ((el as HTMLElement).innerText ?? '').trim().replace(/\s+/g, ' ').slice(0, 50);
      culprits.push(`<${el.tagName.toLowerCase()}${classes ? `.${classes}` : ''}> to ${Math.round(box.right)} px: "${text}"`);
    }
    return {excess, culprits};
  });
}

/**
 * Words of the page's headings that the browser split across two lines (a break at a hyphen or
 * between words is fine): "CiliumNetworkPolicy" broken after "CiliumNetwork" on a phone.
 */
async function splitHeadingWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const split: string[] = [];
    for (const heading of Array.from(document.querySelectorAll('main h1, main h2, main h3'))) {
      const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of (node.textContent ?? '').matchAll(/[^\s-]+/g)) {
          const range = document.createRange();
          range.setStart(node, word.index);
          range.setEnd(node, word.index + word[0].length);
          const lines = new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top)));
          if (lines.size > 1) split.push(`${heading.tagName.toLowerCase()} "${heading.textContent}": "${word[0]}"`);
        }
      }
    }
    return split;
  });
}

test('the sitemap lists the lessons, the page of every lab step among them', () => {
  expect(lessonPages.length).toBeGreaterThanOrEqual(8);
  expect(pages).toContain('/');
  expect(pages).toContain('/playground');
  // The probe tables are checked on the laptop visit of their page (below): a step whose lesson is
  // no page would go unchecked.
  const missing = [...stepsByPage].filter(([route]) => !pages.includes(route)).map(([route, steps]) => `${route} (${steps.map((s) => `${s.lab}/${s.step.id}`).join(', ')})`);
  expect(missing, 'lessons named by lab steps that are not pages of the site').toEqual([]);
});

// One visit per page and width checks everything a learner sees there, so the suite stays quick.
// The phone is dark and the laptop light: each page is seen, checked by axe (colour contrast
// included) and photographed in both colour modes.
const SCREENS = [
  {name: 'phone', width: 390, height: 844, colorScheme: 'dark'},
  {name: 'laptop', width: 1280, height: 900, colorScheme: 'light'},
] as const;

for (const screen of SCREENS) {
  test.describe(`${screen.name} ${screen.width} px, ${screen.colorScheme}`, () => {
    test.use({viewport: {width: screen.width, height: screen.height}, colorScheme: screen.colorScheme});

    for (const path of pages) {
      test(`page ${path} renders, fits, is accessible and light`, async ({page}) => {
        // Module 2's long pages (a dozen code blocks and tables) take axe alone 10-20 s on a loaded 2-core machine.
        test.setTimeout(90_000);
        const scripts = recordScripts(page);
        const problems = await openClean(page, path);
        await expect(page.locator('h1').first()).toBeVisible();
        await expect(page.locator('html')).toHaveAttribute('data-theme', screen.colorScheme);
        await pictureOnRequest(page, `${pageSlug(path)}-${screen.width}`);

        // An admonition MDX did not understand (e.g. the old `:::warning Title` syntax) stays as text.
        const text = await page.locator('body').innerText();
        expect(text.split('\n').filter((line) => line.includes(':::')), 'literal ::: in the rendered text').toEqual([]);

        // Headings break between words, never inside one.
        expect(await splitHeadingWords(page), 'heading words broken across lines').toEqual([]);

        // No sideways scrolling of the page: wide tables and code scroll inside their own box.
        const sideways = await sidewaysScroll(page);
        expect(sideways.excess, `the page scrolls sideways at ${screen.width} px; too wide:\n${sideways.culprits.join('\n')}`).toBe(0);

        // Sample output (```console) wraps: what a lesson asks you to read at the end of a Hubble
        // line is never hidden to the right of its box.
        const hiddenOutput = await page.locator('.language-console pre').evaluateAll((blocks) =>
          blocks.filter((pre) => pre.scrollWidth > pre.clientWidth).map((pre) => (pre.textContent ?? '').slice(0, 60)),
        );
        expect(hiddenOutput, 'sample output cut off at the right edge').toEqual([]);

        // On a laptop, each lab step taught here shows its probe table: every probe, in order, with
        // its source, request and expected outcome.
        if (screen.width >= 1280) {
          for (const {lab, step} of stepsByPage.get(path) ?? []) {
            const table = page.locator(`[data-testid="probe-table"][data-step="${step.id}"]`);
            await expect(table, `${lab}: the probe table of step ${step.id}`).toBeVisible();
            const rows = table.locator('[data-testid="probe-row"]');
            await expect(rows, `${lab}/${step.id}: one row per probe`).toHaveCount(step.probes.length);
            // Read in one go (the page is hydrated and idle): one expect per row and field took
            // seconds per page on a busy machine.
            const shown = await rows.evaluateAll((els) =>
              els.map((row) => ({
                expect: row.getAttribute('data-expect'),
                kind: row.getAttribute('data-kind'),
                text: (row as HTMLElement).innerText,
                destructive: row.querySelectorAll('[data-testid="probe-destructive"]').length,
              })),
            );
            for (const [i, probe] of step.probes.entries()) {
              const row = shown[i];
              const where = `${lab}/${step.id} probe ${i + 1}`;
              expect(row.expect, where).toBe(probe.expect);
              expect(row.text, where).toContain(probe.expect);
              expect(row.text, where).toContain(probe.from);
              // The request as the table writes it (HTTP: method and path; TCP, DNS, ICMP: kind and host).
              expect(row.kind, where).toBe(probe.request.kind);
              expect(row.text, where).toContain(probe.label);
              expect(row.destructive, `${where}: marked destructive`).toBe(probe.destructive ? 1 : 0);
            }
          }
        }

        // On a laptop a lesson's probe table fits its column: no column (the outcome) hidden to the right.
        if (screen.width >= 1280) {
          const tables = await page.locator('[data-testid="probe-table"]').evaluateAll((els) =>
            els.map((table) => ({step: table.getAttribute('data-step'), width: table.scrollWidth, column: table.parentElement!.clientWidth})),
          );
          for (const t of tables) expect(t.width, `probe table of ${t.step} is wider than its column`).toBeLessThanOrEqual(t.column);
        }

        // Diagrams render, and the diagram library is fetched only where there is one.
        const kind = pageKind(path, diagrams);
        const files = await scripts();
        const diagram = page.locator('.docusaurus-mermaid-container svg');
        if (kind === 'diagram') {
          await expect(diagram.first()).toBeVisible();
          // The text as drawn: the font size times the scale the SVG is shown at (a wide diagram
          // squeezed into a phone's column came out at 4-6 px). 12 px is the smallest we accept.
          const drawn = await diagram.evaluateAll((svgs) =>
            svgs.map((svg) => {
              const label = svg.querySelector('.nodeLabel, .label, text');
              const scale = svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width;
              return label ? parseFloat(getComputedStyle(label).fontSize) * scale : 0;
            }),
          );
          for (const [i, size] of drawn.entries()) expect(size, `text of diagram ${i + 1}, drawn size in px`).toBeGreaterThanOrEqual(12);
        } else await expect(diagram).toHaveCount(0);
        expect(files.some((f) => f.diagramLibrary), 'mermaid fetched').toBe(kind === 'diagram');
        const total = totalGzip(files);
        const list = files.map((f) => `${(f.gzipBytes / 1000).toFixed(1)} KB ${new URL(f.url).pathname}`).join('\n');
        expect(total, `gzip JavaScript of ${path} (${kind}), over its budget:\n${list}`).toBeLessThanOrEqual(BUDGET[kind]);

        // WCAG A/AA rules, axe-core's own set; minor and moderate findings are not failures.
        expect(await seriousAccessibilityFindings(page), 'axe serious or critical violations').toEqual([]);

        expect(problems).toEqual([]);
      });
    }
  });
}

test('the accessibility check reports what it is there to find', async ({page}) => {
  // The check every page visit above relies on, run on a page with two known faults added: a button
  // without a name and light grey text on white (1.6:1, where WCAG AA asks 4.5:1).
  await page.goto('/docs/intro');
  await page.locator('main article').evaluate((article) => {
    article.insertAdjacentHTML('beforeend', '<button type="button"></button><p style="color:#ddd;background:#fff">faint</p>');
  });
  const findings = await seriousAccessibilityFindings(page);
  expect(findings.some((f) => f.includes('button-name'))).toBe(true);
  expect(findings.some((f) => f.includes('color-contrast'))).toBe(true);
});

test.describe('the pages as the server sends them', () => {
  // Code blocks are rendered into the HTML at build time (Docusaurus renders every page on the
  // server), so this walk reads them without running the site's JavaScript: one quick load per page
  // instead of waiting for each page to hydrate and go idle.
  test.use({javaScriptEnabled: false});

  test('every YAML file under labs/ (but lab.yaml and challenge material) is shown verbatim in a CodeBlock', async ({page}) => {
    test.setTimeout(30_000 + lessonPages.length * 2_000);
    const shown = new Map<string, string[]>();
    for (const path of lessonPages) {
      await page.goto(path, {waitUntil: 'load'});
      shown.set(path, await codeBlockTexts(page));
    }
    const all = [...shown.values()].flat();
    const files = shownLabFiles();
    // Every manifest a lab applies is among them (a sanity check of the walk itself).
    for (const lab of labs) for (const m of [...lab.app, ...lab.steps.flatMap((s) => s.policies)]) expect(files).toContain(m.file);
    for (const file of files) {
      const expected = readFileSync(file, 'utf8').replace(/\n$/, '');
      expect(all.includes(expected), `${file} should appear verbatim on a lesson page`).toBe(true);
    }
  });
});

/** A lab's module page: the index of the folder of its first lesson (`/docs/deathstar/`, `/docs/netpol/`). */
function modulePage(lab: (typeof labs)[number]): string {
  const lesson = lab.steps.find((s) => s.lesson)?.lesson;
  if (!lesson) throw new Error(`lab ${lab.id} has no step with a lesson`);
  return `/docs/${lesson.split('/')[0]}/`;
}

test('the module page of each lab links to its zx script, and the site serves it', async ({page}) => {
  // One page load and one script fetch per lab: the time grows with the course.
  test.setTimeout(30_000 + 5_000 * labs.length);
  for (const lab of labs) {
    await openClean(page, modulePage(lab));
    const link = page.getByRole('link', {name: `${lab.id}.mjs`});
    await expect(link).toHaveAttribute('href', `/zx/${lab.id}.mjs`);
    const response = await page.request.get(`/zx/${lab.id}.mjs`);
    expect(response.status()).toBe(200);
    const script = await response.text();
    expect(script.startsWith('#!/usr/bin/env zx\n')).toBe(true);
    expect(script).toContain(`netpol-labs export ${lab.id} --zx`);
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

/**
 * How long a search may take to show its first result. The search plugin fetches its index only when a
 * page asks for it (build/search-index.json: every page's text, code included, about 1.7 MB) and then
 * builds it in the page; on a busy two-core CI machine that took more than Playwright's default 5 s.
 */
const SEARCH_RESULTS = {timeout: 20_000};

test('search finds the deathstar lessons', async ({page}) => {
  await page.goto('/search?q=deathstar', {waitUntil: 'networkidle'});
  await expect(page.getByRole('heading', {level: 1})).toHaveText('Search results for "deathstar"');
  const results = page.locator('article a[href*="/docs/deathstar"]');
  await expect(results.first()).toBeVisible(SEARCH_RESULTS);
  expect(await results.count()).toBeGreaterThan(1);
});

/** The result links of the search page for `query`, without the `_highlight` parameters. */
async function searchResultLinks(page: Page, query: string): Promise<string[]> {
  await page.goto(`/search?q=${encodeURIComponent(query)}`, {waitUntil: 'networkidle'});
  await expect(page.getByRole('heading', {level: 1})).toHaveText(`Search results for "${query}"`);
  await expect(page.locator('article h2 a').first()).toBeVisible(SEARCH_RESULTS);
  return page.locator('article h2 a').evaluateAll((links) =>
    links.map((a) => {
      const url = new URL((a as HTMLAnchorElement).href);
      return url.pathname + url.hash;
    }),
  );
}

test('search finds paths and field names that appear only in code', async ({page}) => {
  // Each appears on that page inside code: an inline `code` span, a manifest or a probe table.
  const cases = [
    ['/v1/exhaust-port', '/docs/deathstar/cilium-l7'],
    ['toPorts', '/docs/deathstar/cilium-l3-l4'],
    ['endpointSelector', '/docs/deathstar/cilium-l3-l4'],
  ];
  for (const [query, lesson] of cases) {
    const links = await searchResultLinks(page, query);
    expect(links.map((l) => l.replace(/#.*/, '')), `results for ${query}`).toContain(lesson);
  }
});

test('search lists each result once', async ({page}) => {
  const links = await searchResultLinks(page, 'deathstar');
  expect(links.length).toBeGreaterThan(5);
  expect(links.filter((link, i) => links.indexOf(link) !== i), 'listed more than once').toEqual([]);
});

test('the navbar search suggests lessons as you type', async ({page}) => {
  await page.goto('/', {waitUntil: 'networkidle'});
  const input = page.getByRole('searchbox').or(page.locator('input.navbar__search-input')).first();
  await input.fill('deathstar');
  const suggestions = page.getByRole('listbox').getByRole('option');
  await expect(suggestions.first()).toBeVisible(SEARCH_RESULTS);
  await expect(suggestions.filter({hasText: /deathstar/i}).first()).toBeVisible();
  // Choosing a suggestion opens the lesson it came from (several modules mention the deathstar: the
  // suggestion names its page, and that page opens).
  const chosen = suggestions.filter({hasText: /deathstar/i}).first();
  // Its first line is the page's title, the heading it found, or an excerpt of the text it found
  // (cut with an ellipsis at either end): whichever it is, the page it opens shows it.
  const found = (await chosen.innerText()).split('\n')[0].trim().replace(/^…|…$/g, '').trim();
  await chosen.click();
  await expect(page).toHaveURL(/\/docs\//);
  await expect(page.locator('main')).toContainText(found);
});

test('tabbing past the search box keeps the focus where the keyboard put it when the search index arrives', async ({page}) => {
  // The search plugin loads its index when the box gets the focus and, once loaded, focuses the box
  // again; on a slow connection that pulled a keyboard reader back from wherever they had tabbed to
  // (patches/@easyops-cn+docusaurus-search-local+*.patch). The index is held back here until the
  // reader has moved on.
  let releaseIndex!: () => void;
  const held = new Promise<void>((resolve) => (releaseIndex = resolve));
  let indexRequests = 0;
  await page.route(/search-index.*\.json/, async (route) => {
    indexRequests++;
    await held;
    await route.continue();
  });
  await page.goto('/', {waitUntil: 'domcontentloaded'});
  const search = page.locator('input.navbar__search-input');
  await expect(search).toBeVisible();
  for (let i = 0; i < 20 && !(await search.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(search).toBeFocused();
  await expect.poll(() => indexRequests, 'the search box asked for its index').toBeGreaterThan(0);

  await page.keyboard.press('Tab');
  const movedTo = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? '');
  expect(movedTo).not.toContain('navbar__search-input');
  releaseIndex();
  // autocomplete.js makes the box a combobox when it takes it over, which happens once the index is in.
  await expect(search).toHaveAttribute('role', 'combobox');
  await expect(search).not.toBeFocused();
  expect(await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? '')).toBe(movedTo);
});

test.describe('the navbar colour-mode toggle', () => {
  test.use({colorScheme: 'light'});

  test('switches the page, the code and its highlighted lines from light to dark', async ({page}) => {
    await page.goto('/docs/deathstar/kubernetes-l3-l4', {waitUntil: 'networkidle'});
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    const colours = () =>
      page.evaluate(() => {
        const style = (selector: string, property: 'backgroundColor' | 'color') => {
          const el = document.querySelector(selector);
          if (!el) throw new Error(`no ${selector} on the page`);
          return getComputedStyle(el)[property];
        };
        return {
          page: style('html', 'backgroundColor'),
          text: style('article p', 'color'),
          code: style('.theme-code-block pre', 'backgroundColor'),
          highlighted: style('.theme-code-block-highlighted-line', 'backgroundColor'),
          comment: style('.theme-code-block .token.comment', 'color'),
        };
      });
    const light = await colours();

    // As a reader does it: the toggle in the navbar (it cycles through system, light and dark).
    const toggle = page.locator('.navbar').getByRole('button', {name: /dark and light mode/i}).first();
    for (let i = 0; i < 3 && (await page.locator('html').getAttribute('data-theme')) !== 'dark'; i++) await toggle.click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    const dark = await colours();

    for (const key of Object.keys(light) as (keyof typeof light)[]) {
      expect(dark[key], `${key}: the same colour in light and dark mode`).not.toBe(light[key]);
    }
    // r + g + b; a transparent background shows the browser's white canvas.
    const brightness = (rgb: string) => {
      const [r, g, b, alpha = 1] = (rgb.match(/[\d.]+/g) ?? []).map(Number);
      return alpha === 0 ? 765 : r + g + b;
    };
    expect(brightness(dark.page), 'the dark page background is darker').toBeLessThan(brightness(light.page));
    expect(brightness(dark.code), 'the dark code background is darker').toBeLessThan(brightness(light.code));
    expect(brightness(dark.text), 'the dark text is lighter').toBeGreaterThan(brightness(light.text));
  });
});

test('module 2 follows module 1 in the sidebar, and its overview shows the diagram of the app', async ({page}) => {
  await openClean(page, '/docs/netpol/');
  const categories = page.locator('.theme-doc-sidebar-menu > li > div > a, .theme-doc-sidebar-menu > li > .menu__list-item-collapsible > a');
  const labels = await categories.allInnerTexts();
  const one = labels.findIndex((l) => l.startsWith('Module 1'));
  const two = labels.findIndex((l) => l.startsWith('Module 2'));
  expect(one, labels.join(' | ')).toBeGreaterThanOrEqual(0);
  expect(two, labels.join(' | ')).toBe(one + 1);
  // static/img/netpol-module2.svg (Docusaurus inlines a small image as a data URL): drawn, described,
  // and its 15 px text (viewBox 360 wide) never shown below 12 px, on a laptop or a phone.
  const diagram = page.locator('main img[alt*="role=db"]');
  await expect(diagram).toBeVisible();
  expect(await diagram.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(360);
  for (const width of [1280, 390]) {
    await page.setViewportSize({width, height: 900});
    const drawn = await diagram.evaluate((img) => img.getBoundingClientRect().width);
    expect((15 * drawn) / 360, `diagram text at ${width} px, drawn size in px`).toBeGreaterThanOrEqual(12);
  }
});

test('spot the bug shows the notes\' broken policy and each of the loader\'s answers', async ({page}) => {
  await openClean(page, '/docs/netpol/spot-the-bug');
  const broken = page.locator('.theme-code-block', {hasText: 'labs/netpol-ipblock/spot-the-bug/0-test-np.yaml'}).first();
  await expect(broken).toContainText('172.17.0.1/24');
  const answers = page.locator('.theme-code-block', {hasText: "the loader's errors for"});
  await expect(answers).toHaveCount(4);
  await expect(answers.first()).toContainText('0-test-np.yaml:32:1: YAML syntax error');
  await expect(page.locator('[data-testid="probe-table"][data-step="test-np"]')).toBeVisible();
});

test('the recipes page shows each recipe as a card with its policy and its probes', async ({page}) => {
  await openClean(page, '/docs/netpol/recipes');
  const cards = page.getByTestId('recipe');
  expect(await cards.count()).toBeGreaterThanOrEqual(10);
  for (const card of await cards.all()) {
    const step = await card.getAttribute('data-step');
    await expect(card.locator('h3')).toBeVisible();
    await expect(card.locator('.theme-code-block').first()).toBeVisible();
    await expect(card.locator(`[data-testid="probe-table"][data-step="${step}"]`)).toBeVisible();
  }
});

test('the AND versus OR lesson highlights the peers of both policies', async ({page}) => {
  await page.goto('/docs/netpol/and-or', {waitUntil: 'networkidle'});
  for (const file of ['db-allow-myproject-frontends', 'db-allow-myproject-or-frontends']) {
    const block = page.locator('.theme-code-block', {hasText: `labs/netpol-basics/${file}.yaml`}).first();
    const highlighted = (await block.locator('.theme-code-block-highlighted-line').allInnerTexts()).join('\n');
    expect(highlighted).toContain('namespaceSelector');
    expect(highlighted).toContain('podSelector');
  }
});
