// Progress without an account, in a real browser: a lesson read to its end is marked in the sidebar
// and on /progress with the predictions made in its probe tables; progress survives a reload, goes
// out to a file and back in, refuses a file that is not an export, and resets. Run after `npm run build`.
import {readFileSync} from 'node:fs';
import {expect, test} from './fixtures';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import sidebars from '../../sidebars';

const lab = readLabOrThrow('labs/deathstar');
const LESSON = '/docs/deathstar/default-allow';
const step = lab.steps.find((s) => s.lesson === 'deathstar/default-allow')!;

// Module 1 as sidebars.ts lists it: its overview page and its lessons.
const module1 = (sidebars.course as {type?: string; label?: string; link?: {id: string}; items?: string[]}[]).find((item) => item.label?.startsWith('Module 1'))!;
const module1Docs = [module1.link!.id, ...module1.items!];
// The probes of the steps those lessons teach, from lab.yaml.
const module1Probes = lab.steps.filter((s) => s.lesson && module1Docs.includes(s.lesson)).flatMap((s) => s.probes).length;

test('progress is kept in the browser: read marks, predictions, export, import, reset', async ({page}) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));

  await page.goto('/progress', {waitUntil: 'networkidle'});
  const summary = page.locator(`[data-testid="progress-module"][data-module="${module1.label}"] [data-testid="module-summary"]`);
  await expect(summary).toHaveText(`0 of ${module1Docs.length} lessons read · 0 of ${module1Probes} outcomes predicted right (0 predicted)`);

  // Read a lesson to its end, predicting its first probe on the way.
  await page.goto(LESSON, {waitUntil: 'networkidle'});
  const sidebarEntry = page.locator('.theme-doc-sidebar-menu li.theme-doc-sidebar-item-link', {has: page.locator(`a[href="${LESSON}"]`)});
  await page.getByTestId('predict-first').first().click();
  await page.locator('[data-testid="probe-row"]').first().getByRole('button', {name: step.probes[0].expect, exact: true}).click();
  await page.getByTestId('lesson-end').scrollIntoViewIfNeeded();
  await expect(sidebarEntry).toHaveClass(/sidebar-lesson-read/);
  await page.reload({waitUntil: 'networkidle'});
  await expect(sidebarEntry).toHaveClass(/sidebar-lesson-read/);
  const unread = page.locator('.theme-doc-sidebar-menu li.theme-doc-sidebar-item-link', {has: page.locator('a[href="/docs/deathstar/hubble"]')});
  await expect(unread).not.toHaveClass(/sidebar-lesson-read/);

  await page.goto('/progress', {waitUntil: 'networkidle'});
  const done = `1 of ${module1Docs.length} lessons read · 1 of ${module1Probes} outcomes predicted right (1 predicted)`;
  await expect(summary).toHaveText(done);
  const row = page.locator(`[data-testid="progress-lesson"][data-lesson="${LESSON}"]`);
  await expect(row).toHaveAttribute('data-read', 'true');
  await expect(row.getByTestId('lesson-predictions')).toHaveText(`1 right of 1 predicted (${step.probes.length} probes)`);

  // Export.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('progress-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^netpol-labs-progress-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = readFileSync(await download.path(), 'utf8');
  const data = JSON.parse(exported);
  expect(data.format).toBe('netpol-labs-progress');
  expect(Object.keys(data.read)).toEqual([LESSON]);
  expect(data.predictions).toEqual({[`deathstar/${step.id}/0`]: step.probes[0].expect});

  // Reset, after a confirmation.
  await page.getByTestId('progress-reset').click();
  await page.getByTestId('progress-confirm-reset').getByRole('button', {name: 'Forget everything'}).click();
  await expect(summary).toHaveText(`0 of ${module1Docs.length} lessons read · 0 of ${module1Probes} outcomes predicted right (0 predicted)`);

  // A file that is not an export is refused with a reason, and changes nothing.
  await page.getByTestId('progress-import').setInputFiles({name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"read": {}}')});
  await expect(page.getByTestId('progress-problem')).toContainText('notes.json: the file is not a netpol-labs progress export');
  await page.getByTestId('progress-import').setInputFiles({name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{oops')});
  await expect(page.getByTestId('progress-problem')).toContainText('broken.json: the file is not JSON');
  await expect(summary).toHaveText(`0 of ${module1Docs.length} lessons read · 0 of ${module1Probes} outcomes predicted right (0 predicted)`);

  // The export comes back in, after a confirmation.
  await page.getByTestId('progress-import').setInputFiles({name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(exported)});
  const confirm = page.getByTestId('progress-confirm-import');
  await expect(confirm).toContainText('mine.json holds 1 lessons read, 1 predictions and 0 challenges solved');
  await confirm.getByRole('button', {name: 'Replace my progress'}).click();
  await expect(summary).toHaveText(done);
  expect(problems).toEqual([]);
});
