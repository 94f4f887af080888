// Module 4's gRPC and DNS pages in a real browser: the overview lists both labs and links their zx
// scripts, the gRPC page shows what a refused call gets today and quotes the engine, the DNS page's
// probe tables tell REFUSED from dropped, and the playground plays both labs. Run after
// `npm run build`. The checks every lesson page gets (no console error, accessibility, phone width,
// manifests verbatim) are in site.spec.ts; the challenges in challenges.spec.ts.
import {expect, test} from './fixtures';
import {editorText} from './playground-editor';
import {type Page} from '@playwright/test';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {simulateLab} from '../../src/lab/simulate-step';
import {initialEditorText} from '../../src/components/Playground/editorText';

const MODULE = '/docs/l7/';
const cloudCity = readLabOrThrow('labs/cloud-city-grpc');
const droids = readLabOrThrow('labs/probe-droids-dns');

test('the overview lists every step of both labs and links their zx scripts', async ({page}) => {
  await page.goto(MODULE, {waitUntil: 'networkidle'});
  for (const lab of [cloudCity, droids]) {
    for (const step of lab.steps) await expect(page.locator('main')).toContainText(step.title);
    await expect(page.getByRole('link', {name: `${lab.id}.mjs`})).toHaveAttribute('href', `/zx/${lab.id}.mjs`);
  }
  // The map of the module links both pages (the sidebar has them too, with their numbers).
  const main = page.locator('main');
  await expect(main.getByRole('link', {name: 'gRPC: Cloud City', exact: true})).toHaveAttribute('href', `${MODULE}grpc`);
  await expect(main.getByRole('link', {name: 'DNS rules', exact: true})).toHaveAttribute('href', `${MODULE}dns-rules`);
});

test('the gRPC page: the guide\'s policy with its rules highlighted, grpc-status 7 in a 200 reply, and the engine quoted', async ({page}) => {
  await page.goto(`${MODULE}grpc`, {waitUntil: 'networkidle'});
  const path = 'labs/cloud-city-grpc/door-mgr-public-methods.yaml';
  const block = page.locator('.theme-code-block', {has: page.locator('[class*="codeBlockTitle"]', {hasText: path})});
  await expect(block).toBeVisible();
  // highlight="21-27": the http rules, the three methods' paths among them.
  const highlighted = await block.locator('.theme-code-block-highlighted-line').allInnerTexts();
  expect(highlighted.join('\n')).toContain('path: /cloudcity.DoorManager/RequestMaintenance');
  expect(highlighted.join('\n')).not.toContain('app: public-terminal');
  // The header table of Envoy's reply to a refused gRPC call.
  const rows = await page.locator('main table tr').allInnerTexts();
  expect(rows.some((r) => /grpc-status\s+7/.test(r) && r.includes('PERMISSION_DENIED'))).toBe(true);
  expect(rows.some((r) => /:status\s+200/.test(r))).toBe(true);
  // The engine's reason for terminal-87's SetAccessCode, as the simulator gives it now.
  const played = simulateLab(cloudCity, {until: 'grpc-methods'});
  const {step, simulation} = played[played.length - 1];
  const index = step.probes.findIndex((p) => p.from === 'terminal-87' && p.label.endsWith('/SetAccessCode'));
  const reason = simulation.predictions[index].deciding!.text;
  const blocks = await page.locator('pre code').allInnerTexts();
  expect(blocks.some((b) => b.includes(reason)), reason).toBe(true);
  // Its probe table: the two refused methods are l7-denied, the console and the stormtrooper dropped.
  const table = page.locator('[data-testid="probe-table"][data-step="grpc-methods"]');
  await expect(table).toBeVisible();
  const expected = await table.getByTestId('probe-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-expect')));
  expect(expected).toEqual(step.probes.map((p) => p.expect));
});

test('the DNS rules page: REFUSED and dropped told apart in the probe tables, and the trap\'s NetworkPolicy highlighted', async ({page}) => {
  await page.goto(`${MODULE}dns-rules`, {waitUntil: 'networkidle'});
  for (const [stepId, outcome] of [['no-dns-port', 'dropped'], ['match-name', 'l7-denied']] as const) {
    const step = droids.steps.find((s) => s.id === stepId)!;
    const table = page.locator(`[data-testid="probe-table"][data-step="${stepId}"]`);
    const expected = await table.getByTestId('probe-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-expect')));
    expect(expected).toEqual(step.probes.map((p) => p.expect));
    expect(expected).toContain(outcome);
  }
  const path = 'labs/probe-droids-dns/executor-allow-dns.yaml';
  const block = page.locator('.theme-code-block', {has: page.locator('[class*="codeBlockTitle"]', {hasText: path})});
  const highlighted = await block.locator('.theme-code-block-highlighted-line').allInnerTexts();
  expect(highlighted.join('\n')).toContain('k8s-app: kube-dns');
  await expect(page.locator('main')).toContainText('pkg/fqdn/matchpattern/matchpattern.go');
});

/** Opens the playground on a lab; returns the console errors seen. */
async function openLab(page: Page, id: string): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto('/playground', {waitUntil: 'networkidle'});
  await expect(page.getByTestId('playground')).toBeVisible();
  // The editor is a chunk of its own; on a busy machine it can take longer than the default 5 s to mount.
  await expect(page.locator('.cm-content')).toBeVisible({timeout: 30_000});
  await page.getByTestId('playground-lab').selectOption(id);
  await expect(page.getByTestId('playground')).toHaveAttribute('data-lab', id);
  return problems;
}

const predicted = (page: Page) => page.getByTestId('playground-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-predicted')));

test.describe('the playground offers both labs', () => {
  test.use({viewport: {width: 1280, height: 1800}});

  for (const lab of [cloudCity, droids]) {
    test(`${lab.id}: each step predicts what lab.yaml expects`, async ({page}) => {
      const problems = await openLab(page, lab.id);
      for (const step of lab.steps) {
        await page.getByTestId('playground-step').selectOption(step.id);
        await expect.poll(() => editorText(page)).toBe(initialEditorText(step));
        await expect(page.getByTestId('playground-row')).toHaveCount(step.probes.length);
        await expect.poll(() => predicted(page), step.id).toEqual(step.probes.map((p) => p.expect));
      }
      expect(problems).toEqual([]);
    });
  }

  test('adding SetAccessCode to the guide\'s rules in the editor lets terminal-87 set the code', async ({page}) => {
    await openLab(page, cloudCity.id);
    await page.getByTestId('playground-step').selectOption('grpc-methods');
    const step = cloudCity.steps.find((s) => s.id === 'grpc-methods')!;
    await expect.poll(() => predicted(page)).toEqual(step.probes.map((p) => p.expect));
    const text = await editorText(page);
    const last = '                path: /cloudcity.DoorManager/RequestMaintenance';
    expect(text).toContain(last);
    await page.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(text.replace(last, `${last}\n              - method: POST\n                path: /cloudcity.DoorManager/SetAccessCode`));
    const index = step.probes.findIndex((p) => p.label.endsWith('/SetAccessCode'));
    await expect.poll(async () => (await predicted(page))[index]).toBe('allowed');
  });
});
