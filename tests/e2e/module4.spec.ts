// Module 4 (L7 beyond the landing pad) in a real browser: the sidebar, the engine output the pages
// quote, and the archive lab in the playground. Run after `npm run build`. The checks every lesson
// page gets (no console error, accessibility, phone width, manifests verbatim, probe tables) are in
// site.spec.ts, which finds these pages through the sitemap; the challenges are in challenges.spec.ts.
import {readFileSync} from 'node:fs';
import {expect, test} from './fixtures';
import {editorText} from './playground-editor';
import {type Page} from '@playwright/test';
import {formatError, parsePolicyDocuments} from '../../src/policy';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {initialEditorText} from '../../src/components/Playground/editorText';

const MODULE = '/docs/l7/';
const LESSONS = ['http', 'http-headers', 'grpc', 'dns-rules', 'kafka', 'visibility', 'challenges'];
const lab = readLabOrThrow('labs/imperial-archive');

/** The engine's errors for a file the pages show, `file:line:col: message` each. */
function engineErrors(path: string, namespace: string): string[] {
  return parsePolicyDocuments(readFileSync(path, 'utf8'), path, {defaultNamespace: namespace}).errors.map(formatError);
}

test('the sidebar lists module 4 after module 3, with every lesson in order', async ({page}) => {
  await page.goto(MODULE, {waitUntil: 'networkidle'});
  const sidebar = page.locator('nav[aria-label="Docs sidebar"]');
  const categories = await sidebar.locator('.menu__list-item-collapsible > a').allInnerTexts();
  const module3 = categories.findIndex((c) => c.startsWith('Module 3'));
  const module4 = categories.findIndex((c) => c.startsWith('Module 4: L7 beyond the landing pad'));
  expect(module3).toBeGreaterThanOrEqual(0);
  expect(module4).toBeGreaterThan(module3);
  const hrefs = await sidebar.locator(`a.menu__link[href^="${MODULE}"]`).evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  expect(hrefs.filter((h) => h !== MODULE)).toEqual(LESSONS.map((l) => `${MODULE}${l}`));
});

test('the overview lists every step of the archive lab and links its zx script', async ({page}) => {
  await page.goto(MODULE, {waitUntil: 'networkidle'});
  for (const step of lab.steps) await expect(page.locator('main')).toContainText(step.title);
  await expect(page.getByRole('link', {name: 'imperial-archive.mjs'})).toHaveAttribute('href', '/zx/imperial-archive.mjs');
});

test('the Kafka page shows the notes-style policy and, verbatim, the error a 1.20 agent model gives for it', async ({page}) => {
  await page.goto(`${MODULE}kafka`, {waitUntil: 'networkidle'});
  const path = 'labs/l7-refused/kafka-empire-topics.yaml';
  const [message] = engineErrors(path, 'scarif');
  expect(message).toMatch(/kafka was removed from CiliumNetworkPolicy in Cilium 1\.20/);
  await expect(page.locator('.theme-code-block [class*="codeBlockTitle"]', {hasText: path})).toBeVisible();
  const blocks = await page.locator('pre code').allInnerTexts();
  expect(blocks.some((b) => b.includes(message)), message).toBe(true);
});

test('the visibility page shows the notes\' l7policy, its errors, its repair and the audit-mode explanation', async ({page}) => {
  await page.goto(`${MODULE}visibility`, {waitUntil: 'networkidle'});
  const blocks = await page.locator('pre code').allInnerTexts();
  for (const message of engineErrors('labs/l7-refused/l7policy-notes.yaml', 'default')) {
    expect(blocks.some((b) => b.includes(message)), message).toBe(true);
  }
  for (const path of ['labs/l7-refused/l7policy-notes.yaml', 'labs/l7-refused/l7policy.yaml', 'labs/imperial-archive/archive-visibility.yaml']) {
    await expect(page.locator('.theme-code-block [class*="codeBlockTitle"]').getByText(path, {exact: true})).toBeVisible();
  }
  expect(blocks.some((b) => b.includes('policy audit mode: the ingress of scarif/archive-0 would drop this'))).toBe(true);
  // The removal of the annotation is dated and cited.
  await expect(page.locator('main')).toContainText('removed in 1.17');
  await expect(page.getByRole('link', {name: 'upgrade guide, 1.17 upgrade notes'})).toHaveAttribute('href', /docs\.cilium\.io\/en\/v1\.17\/operations\/upgrade/);
});

test('the visibility page\'s audit step: marked in policy audit mode, the audited probes marked, the upstream guide linked', async ({page}) => {
  await page.goto(`${MODULE}visibility`, {waitUntil: 'networkidle'});
  const step = lab.steps.find((s) => s.id === 'audit-mode')!;
  const table = page.locator('[data-testid="probe-table"][data-step="audit-mode"]');
  await expect(table.getByTestId('probe-audit-mode')).toContainText('In policy audit mode');
  // The rows whose why says "Audited:" (checked against the engine in tests/lab/module4-audit.test.ts).
  const audited = step.probes.map((p, i) => (p.why.startsWith('Audited:') ? i : -1)).filter((i) => i >= 0);
  expect(audited.length).toBeGreaterThan(0);
  const rows = table.getByTestId('probe-row');
  await expect(rows).toHaveCount(step.probes.length);
  for (const [i, probe] of step.probes.entries()) {
    await expect(rows.nth(i).getByTestId('probe-audited'), `${probe.from} ${probe.label}`).toHaveCount(audited.includes(i) ? 1 : 0);
  }
  // The step's manifest, verbatim, and the per-endpoint commands of the guide.
  await expect(page.locator('.theme-code-block [class*="codeBlockTitle"]').getByText('labs/imperial-archive/archive-per-peer.yaml', {exact: true})).toBeVisible();
  const blocks = await page.locator('pre code').allInnerTexts();
  expect(blocks.some((b) => b.includes('cilium-dbg endpoint config $ID PolicyAuditMode=Enabled'))).toBe(true);
  expect(blocks.some((b) => b.includes('hubble observe --namespace scarif --verdict AUDIT'))).toBe(true);
  await expect(page.getByRole('link', {name: 'Creating Policies from Verdicts'})).toHaveAttribute('href', 'https://docs.cilium.io/en/stable/security/policy-creation/');
});

/** Opens the playground on the archive lab; returns the console errors seen. */
async function openArchive(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto('/playground', {waitUntil: 'networkidle'});
  // The picker works once the page is interactive: CodeMirror is mounted by then.
  await expect(page.getByTestId('playground')).toBeVisible();
  await expect(page.locator('.cm-content')).toBeVisible();
  await page.getByTestId('playground-lab').selectOption(lab.id);
  await expect(page.getByTestId('playground')).toHaveAttribute('data-lab', lab.id);
  return problems;
}

const predicted = (page: Page) => page.getByTestId('playground-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-predicted')));

test.describe('the playground offers the archive lab', () => {
  test.use({viewport: {width: 1280, height: 1800}});

  test('each step predicts what lab.yaml expects', async ({page}) => {
    const problems = await openArchive(page);
    for (const step of lab.steps) {
      await page.getByTestId('playground-step').selectOption(step.id);
      await expect.poll(() => editorText(page)).toBe(initialEditorText(step));
      await expect(page.getByTestId('playground-row')).toHaveCount(step.probes.length);
      await expect.poll(() => predicted(page), step.id).toEqual(step.probes.map((p) => p.expect));
    }
    expect(problems).toEqual([]);
  });

  test('escaping the dot in the editor refuses scarif/json, as the next step does', async ({page}) => {
    await openArchive(page);
    await page.getByTestId('playground-step').selectOption('unescaped-dot');
    await expect.poll(() => predicted(page)).toEqual(['allowed', 'allowed', 'allowed']);
    const text = await editorText(page);
    expect(text).toContain('path: /v1/maps/scarif.json');
    await page.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(text.replace('path: /v1/maps/scarif.json', "path: '/v1/maps/scarif\\.json'"));
    await expect.poll(() => predicted(page)).toEqual(['allowed', 'l7-denied', 'allowed']);
  });
});
