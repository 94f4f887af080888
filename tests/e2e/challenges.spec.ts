// The challenges pages in a real browser: for every challenge of every lab, on the page that shows it,
// the starting manifest fails, the reference solution passes and each near miss fails as its
// challenge.yaml says; a solution that is not the reference text solves least-privilege-landing;
// hints come one at a time and the solution only after a click. Run after `npm run build`.
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {seriousAccessibilityFindings} from './accessibility';
import {expect, test} from './fixtures';
import {type Locator, type Page} from '@playwright/test';
import type {Challenge} from '../../src/lab/challenge';
import {listChallenges, readChallenge} from '../../src/lab/challenge-read';
import {readLabOrThrow} from '../../src/lab/node/read-lab';

const LAB_DIR = 'labs/deathstar';
const lab = readLabOrThrow(LAB_DIR);

/** Every `<Challenge id="lab/challenge" />` of the docs, mapped to the URL of the page that shows it. */
function challengePages(): Map<string, string> {
  const pages = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.mdx?$/.test(entry.name)) {
        for (const match of readFileSync(path, 'utf8').matchAll(/<Challenge\s+id="([^"]+)"/g)) {
          pages.set(match[1], `/docs/${relative('docs', path).replace(/\.mdx?$/, '').replace(/\/index$/, '')}`);
        }
      }
    }
  };
  walk('docs');
  return pages;
}

const pages = challengePages();
/** Every challenge of every lab, with its lab's folder and the page it is on. */
const everyChallenge: {labDir: string; key: string; page: string | undefined; challenge: Challenge}[] = readdirSync('labs')
  .map((name) => join('labs', name))
  .filter((labDir) => existsSync(join(labDir, 'challenges')))
  .flatMap((labDir) => {
    const labOfDir = readLabOrThrow(labDir);
    return listChallenges(labDir).map((id) => {
      const {challenge, errors} = readChallenge(labOfDir, labDir, id);
      if (!challenge) throw new Error(errors.map((e) => e.message).join('\n'));
      const key = `${labOfDir.id}/${id}`;
      return {labDir, key, page: pages.get(key), challenge};
    });
  });
const challenges = everyChallenge.filter((c) => c.labDir === LAB_DIR).map((c) => c.challenge);

// CodeMirror renders only lines near the visible part of the page; a tall window keeps it simple.
test.use({viewport: {width: 1280, height: 1600}});

async function openPage(page: Page, url = '/docs/deathstar/challenges'): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  const response = await page.goto(url, {waitUntil: 'networkidle'});
  expect(response?.status()).toBe(200);
  return problems;
}

function block(page: Page, id: string): Locator {
  return page.locator(`[data-testid="challenge"][data-challenge="${id}"]`);
}

/** Replaces the block editor's text as a person would: click, select all, insert; then checks. */
async function submit(challenge: Locator, text: string): Promise<void> {
  const content = challenge.locator('.cm-content');
  await expect(content).toBeVisible();
  await content.click();
  await challenge.page().keyboard.press('ControlOrMeta+a');
  // insertText, not type(): typing a newline would trigger CodeMirror's auto-indent and shift the YAML.
  if (text === '') await challenge.page().keyboard.press('Delete');
  else await challenge.page().keyboard.insertText(text);
  await challenge.getByTestId('challenge-check').click();
}

async function status(challenge: Locator): Promise<string | null> {
  const element = challenge.getByTestId('challenge-status');
  await expect(element).not.toHaveAttribute('data-status', 'unchecked');
  // The status must belong to the text now in the editor, not an earlier check.
  await expect(element).not.toContainText('changed since this check');
  return element.getAttribute('data-status');
}

test('every challenge of every lab is on a page, and the modules after the first have theirs', () => {
  expect(everyChallenge.filter((c) => c.page === undefined).map((c) => c.key)).toEqual([]);
  const labs = new Set(everyChallenge.map((c) => c.labDir));
  for (const labDir of ['labs/deathstar', 'labs/netpol-basics', 'labs/cilium-deny-cluster']) {
    expect(labs.has(labDir), labDir).toBe(true);
    expect(everyChallenge.filter((c) => c.labDir === labDir).length, labDir).toBeGreaterThanOrEqual(2);
  }
});

for (const {labDir, key, page: url, challenge} of everyChallenge) {
  test(`${key}: the start fails, the reference passes, each near miss fails as stated`, async ({page}) => {
    // Each check plays every judged probe in the page; on a loaded machine a challenge with many near
    // misses needs more than the default 30 s.
    test.setTimeout(30_000 + challenge.nearMisses.length * 10_000);
    expect(url, `${key} is on no page: add <Challenge id="${key}" /> to a page of docs/`).toBeDefined();
    const problems = await openPage(page, url!);
    const el = block(page, challenge.id);
    await expect(el).toBeVisible();

    // The starting manifest is in the editor as the page opens.
    await el.getByTestId('challenge-check').click();
    expect(await status(el)).toBe('fail');

    await submit(el, challenge.solution.text);
    expect(await status(el)).toBe('pass');
    await expect(el.locator('[data-testid="challenge-row"][data-pass="false"]')).toHaveCount(0);

    for (const miss of challenge.nearMisses) {
      await submit(el, readFileSync(join(labDir, 'challenges', challenge.id, miss.file), 'utf8'));
      if (miss.error !== undefined) {
        expect(await status(el), miss.file).toBe('error');
        await expect(el.getByTestId('playground-error').first()).toContainText(miss.error);
        continue;
      }
      expect(await status(el), miss.file).toBe('fail');
      const failedVisible = challenge.probes.filter((p) => !p.hidden && miss.fails!.includes(p.id)).map((p) => p.id);
      const failedHidden = challenge.probes.filter((p) => p.hidden && miss.fails!.includes(p.id)).length;
      const shown = await el.locator('[data-testid="challenge-row"][data-pass="false"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-probe')));
      expect(shown.sort(), miss.file).toEqual(failedVisible.sort());
      if (challenge.probes.some((p) => p.hidden)) await expect(el.getByTestId('challenge-hidden')).toHaveAttribute('data-failed', String(failedHidden));
      if (miss.message !== undefined) expect((await el.innerText()).toLowerCase(), miss.file).toContain(miss.message.toLowerCase());
    }
    expect(problems).toEqual([]);
  });
}

test('least-privilege-landing: solved in the UI with policies that are not the reference text, failed with a near miss', async ({page}) => {
  // Two checks of 40 probes each and a second page: 30 s ran out on a busy machine.
  test.setTimeout(60_000);
  const problems = await openPage(page);
  const el = block(page, 'least-privilege-landing');
  // Other selectors (expressions), other regular expressions, two objects, one of which changes nothing judged.
  const mine = readFileSync('tests/fixtures/challenges/least-privilege-landing-alternative.yaml', 'utf8');
  const reference = readChallenge(lab, LAB_DIR, 'least-privilege-landing').challenge!.solution.text;
  expect(mine).not.toBe(reference);
  await submit(el, mine);
  expect(await status(el)).toBe('pass');
  await expect(el.getByTestId('challenge-status')).toHaveText('Solved: all 26 probes pass.');
  await expect(el.getByTestId('challenge-hidden')).toHaveText('Hidden probes: all 14 pass.');

  // The same, plus an L4-only rule for the Empire on port 80: the L7 rule no longer filters.
  await submit(el, `${mine}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: empire-l4, namespace: star-wars}
spec:
  endpointSelector: {matchLabels: {class: deathstar}}
  ingress:
    - fromEndpoints: [{matchLabels: {org: empire}}]
      toPorts: [{ports: [{port: "80", protocol: TCP}]}]
`);
  expect(await status(el)).toBe('fail');
  const row = el.locator('[data-testid="challenge-row"][data-probe="tiefighter-get-v1"]');
  await expect(row).toHaveAttribute('data-pass', 'false');
  await expect(row.getByTestId('challenge-deciding')).toContainText('without HTTP rules, which makes L7 allow-all');
  await expect(el.getByTestId('challenge-hidden')).toHaveAttribute('data-failed', '5');
  // A hidden probe's hint, never the hidden ship's name.
  await expect(el.getByTestId('challenge-hidden-hint')).toHaveCount(1);
  await expect(el.getByTestId('challenge-hidden')).not.toContainText('tie-interceptor');

  // The pass was kept: the progress page lists the challenge as solved (a later failing check does not undo it).
  await page.goto('/progress', {waitUntil: 'networkidle'});
  await expect(page.getByTestId('challenges-solved')).toContainText('deathstar/least-privilege-landing');
  expect(problems).toEqual([]);
});

test('hints come one at a time, and the solution only after a click', async ({page}) => {
  await openPage(page);
  const challenge = challenges.find((c) => c.id === 'least-privilege-landing')!;
  const el = block(page, challenge.id);
  await expect(el.getByTestId('challenge-hint')).toHaveCount(0);
  await expect(el.getByTestId('challenge-solution')).toHaveCount(0);
  for (let i = 1; i <= challenge.hints.length; i++) {
    await el.getByTestId('challenge-next-hint').click();
    await expect(el.getByTestId('challenge-hint')).toHaveCount(i);
    await expect(el.getByTestId('challenge-hint').nth(i - 1)).toHaveText(challenge.hints[i - 1]);
  }
  await expect(el.getByTestId('challenge-next-hint')).toBeDisabled();
  await expect(el.getByTestId('challenge-solution')).toHaveCount(0);
  await el.getByTestId('challenge-show-solution').click();
  await expect(el.getByTestId('challenge-solution').locator('pre')).toHaveText(challenge.solution.text.replace(/\n$/, ''));
  // With the solution, every probe and why it has its outcome, the hidden ones included.
  await el.getByTestId('challenge-all-probes').locator('summary').click();
  await expect(el.getByTestId('challenge-all-probes').locator('li')).toHaveCount(challenge.probes.length);
  await expect(el.getByTestId('challenge-all-probes')).toContainText('coruscant/shuttle POST /v1/request-landing: dropped (hidden).');
});

test('a checked challenge, its hints and its solution are accessible (axe, WCAG A/AA), in light and dark', async ({page}) => {
  // Two rounds (light, dark), each a page load, two checks and an axe scan: three times one test's
  // time (60 s ran out on a machine busy with other builds).
  test.setTimeout(90_000);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({colorScheme});
    await openPage(page);
    const el = block(page, 'least-privilege-landing');
    await submit(el, readFileSync(join(LAB_DIR, 'challenges/least-privilege-landing/near-miss-l4-cancels-l7.yaml'), 'utf8'));
    expect(await status(el)).toBe('fail');
    const refused = block(page, 'empire-only-l3-l4');
    await submit(refused, readFileSync(join(LAB_DIR, 'challenges/empire-only-l3-l4/near-miss-cilium-policy.yaml'), 'utf8'));
    expect(await status(refused)).toBe('error');
    await el.getByTestId('challenge-next-hint').click();
    await el.getByTestId('challenge-show-solution').click();
    expect(await seriousAccessibilityFindings(page, ['[data-testid="challenge"]']), `axe serious or critical violations (${colorScheme})`).toEqual([]);
  }
});
