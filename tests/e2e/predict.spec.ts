// Predict-first probe tables in a real browser: the mode hides each expected outcome until the
// learner picks one, reveals it with its why, keeps a score, and survives a reload (the browser's
// localStorage, nothing else). Run after `npm run build`.
import {seriousAccessibilityFindings} from './accessibility';
import {expect, test} from './fixtures';
import {type Locator, type Page} from '@playwright/test';
import {readLabOrThrow} from '../../src/lab/node/read-lab';

const lab = readLabOrThrow('labs/deathstar');
const step = lab.steps.find((s) => s.id === 'cilium-l7')!;

function table(page: Page, stepId = step.id): Locator {
  return page.locator(`[data-testid="probe-table"][data-step="${stepId}"]`);
}

function rows(page: Page, stepId = step.id): Locator {
  return table(page, stepId).locator('[data-testid="probe-row"]');
}

/** The bar above a step's table. */
function bar(page: Page, stepId = step.id): Locator {
  return page.locator(`[data-testid="probe-block"][data-step="${stepId}"]`).getByTestId('predict-bar');
}

test('predict first hides the answers, reveals each with its why once predicted, keeps a score and survives a reload', async ({page}) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await page.goto('/docs/deathstar/cilium-l7', {waitUntil: 'networkidle'});
  const n = step.probes.length;
  expect(n).toBeGreaterThan(2);

  // By default every answer is shown, as on the static page.
  await expect(rows(page)).toHaveCount(n);
  for (let i = 0; i < n; i++) await expect(rows(page).nth(i)).toHaveAttribute('data-revealed', 'true');
  const toggle = bar(page).getByTestId('predict-first');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  for (let i = 0; i < n; i++) {
    const row = rows(page).nth(i);
    await expect(row).toHaveAttribute('data-revealed', 'false');
    await expect(row).not.toContainText(step.probes[i].why);
    await expect(row).toContainText('Predict the outcome to see why');
    // An HTTP probe can be allowed, dropped or refused by the proxy, or its name may not resolve.
    await expect(row.getByTestId('prediction-picker').getByRole('button')).toHaveText(['allowed', 'dropped', 'l7-denied', 'unresolved']);
  }
  await expect(bar(page).getByTestId('predict-score')).toHaveText(`Predict each of the ${n} outcomes`);

  // A right prediction, then a wrong one.
  const first = rows(page).nth(0);
  await first.getByRole('button', {name: step.probes[0].expect, exact: true}).click();
  await expect(first).toHaveAttribute('data-revealed', 'true');
  await expect(first).toHaveAttribute('data-correct', 'true');
  await expect(first).toContainText(step.probes[0].why);
  await expect(first.getByTestId('prediction-verdict')).toHaveText('✓ you predicted it');

  const second = rows(page).nth(1);
  const wrong = (['allowed', 'dropped', 'l7-denied'] as const).find((o) => o !== step.probes[1].expect)!;
  await second.getByRole('button', {name: wrong, exact: true}).click();
  await expect(second).toHaveAttribute('data-correct', 'false');
  await expect(second.getByTestId('prediction-verdict')).toHaveText(`✗ you said ${wrong}`);
  await expect(second).toContainText(step.probes[1].why);
  const score = `1 of 2 right, ${n - 2} to go`;
  await expect(bar(page).getByTestId('predict-score')).toHaveText(score);
  await expect(rows(page).nth(2)).toHaveAttribute('data-revealed', 'false');

  expect(await seriousAccessibilityFindings(page, ['[data-testid="predict-bar"]', '[data-testid="probe-table"]'])).toEqual([]);

  // A reload keeps the mode and the predictions.
  await page.reload({waitUntil: 'networkidle'});
  await expect(bar(page).getByTestId('predict-score')).toHaveText(score);
  await expect(rows(page).nth(0)).toHaveAttribute('data-correct', 'true');
  await expect(rows(page).nth(1)).toHaveAttribute('data-correct', 'false');
  await expect(rows(page).nth(2)).toHaveAttribute('data-revealed', 'false');

  // The mode is one setting for every table: another lesson's table waits for predictions too.
  await page.goto('/docs/deathstar/cilium-l3-l4', {waitUntil: 'networkidle'});
  await expect(rows(page, 'cilium-l3-l4').first()).toHaveAttribute('data-revealed', 'false');
  await page.goBack({waitUntil: 'networkidle'});

  // The instructor's switch shows every answer without predicting; off again, the rest hide again.
  await bar(page).getByTestId('show-answers').check();
  for (let i = 0; i < n; i++) await expect(rows(page).nth(i)).toHaveAttribute('data-revealed', 'true');
  await bar(page).getByTestId('show-answers').uncheck();
  await expect(rows(page).nth(2)).toHaveAttribute('data-revealed', 'false');

  // Trying the step again forgets its predictions.
  await bar(page).getByTestId('predict-again').click();
  for (let i = 0; i < n; i++) await expect(rows(page).nth(i)).toHaveAttribute('data-revealed', 'false');
  await expect(bar(page).getByTestId('predict-score')).toHaveText(`Predict each of the ${n} outcomes`);
  expect(problems).toEqual([]);
});
