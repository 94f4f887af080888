// The /playground page in a real browser: pick a step of the deathstar lab, edit its policies in
// CodeMirror and read the engine's predictions. Run after `npm run build`.
import {expect, test} from './fixtures';
import {editorText, playgroundEditor} from './playground-editor';
import {type Page} from '@playwright/test';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {editorFileName, initialEditorText} from '../../src/components/Playground/editorText';
import {pictureOnRequest} from './site-pages';

const {replaceEditorText, edit, expectPredictions} = playgroundEditor(expect);

const lab = readLabOrThrow('labs/deathstar');

// CodeMirror renders only the lines near the visible part of the page; a tall window shows every
// line of the longest step (two files), so the tests can read the editor's text from the DOM.
test.use({viewport: {width: 1280, height: 1800}});

function stepById(id: string) {
  const step = lab.steps.find((s) => s.id === id);
  if (!step) throw new Error(`labs/deathstar/lab.yaml has no step "${id}"; its steps are ${lab.steps.map((s) => s.id).join(', ')}`);
  return step;
}

/** Opens the playground with CodeMirror loaded; returns the console errors and uncaught exceptions seen so far and later. */
async function openPlayground(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  const response = await page.goto('/playground', {waitUntil: 'networkidle'});
  expect(response?.status(), '/playground status').toBe(200);
  await expect(page.getByTestId('playground')).toBeVisible();
  await expect(page.locator('.cm-content')).toBeVisible();
  return problems;
}

test('every step of the deathstar lab: the engine predicts what lab.yaml expects', async ({page}) => {
  const problems = await openPlayground(page);
  // The page opens on the HTTP-aware step, the one worth editing.
  await expect(page.getByTestId('playground-step')).toHaveValue('cilium-l7');
  const options = await page.getByTestId('playground-step').locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  expect(options).toEqual(lab.steps.map((s) => s.id));

  for (const step of lab.steps) {
    await page.getByTestId('playground-step').selectOption(step.id);
    await expect(page.getByTestId('playground')).toHaveAttribute('data-step', step.id);
    // The editor holds the exact text of the step's policy files (a comment for the no-policy step).
    await expect.poll(() => editorText(page)).toBe(initialEditorText(step));
    for (const manifest of step.policies) expect(await editorText(page)).toContain(manifest.text.split('\n')[0]);

    const rows = page.getByTestId('playground-row');
    await expect(rows).toHaveCount(step.probes.length);
    for (const [i, probe] of step.probes.entries()) {
      const row = rows.nth(i);
      await expect(row, `${step.id} probe ${i} (${probe.from} ${probe.method} ${probe.target.path})`).toHaveAttribute('data-expected', probe.expect);
      await expect(row, `${step.id} probe ${i} (${probe.from} ${probe.method} ${probe.target.path}): ${probe.why}`).toHaveAttribute('data-predicted', probe.expect);
      await expect(row).toContainText(probe.from);
      await expect(row).toContainText(`${probe.method} ${probe.target.path}`);
    }
    await expect(page.getByTestId('playground-error')).toHaveCount(0);
    await expect(page.getByTestId('playground-summary')).toContainText('All');
  }

  // The cluster: every pod of the app with its labels, and the cluster DNS every lookup goes to.
  await expect(page.getByTestId('playground-pod')).toHaveCount(5);
  await expect(page.getByTestId('playground-pod').filter({hasText: 'kube-system/coredns-0'})).toContainText('k8s-app=kube-dns');
  await expect(page.getByTestId('playground-pod').filter({hasText: 'xwing'})).toContainText('org=alliance');

  await page.getByTestId('playground-step').selectOption('cilium-l7');
  await pictureOnRequest(page, 'playground-light');
  expect(problems).toEqual([]);
});

test('editing a path regex on cilium-l7 changes the predictions as Envoy full-match would', async ({page}) => {
  const problems = await openPlayground(page);
  const step = stepById('cilium-l7');
  const original = initialEditorText(step);
  await expectPredictions(page, step.probes.map((p) => p.expect));
  expect(step.probes.map((p) => `${p.from} ${p.method} ${p.target.path}`)).toEqual([
    'tiefighter POST /v1/request-landing',
    'tiefighter PUT /v1/exhaust-port',
    'tiefighter GET /v1',
    'xwing POST /v1/request-landing',
  ]);

  // Edit 1, the docs' "anything under /v1/": path /v1/.* and no method constraint. Expected by hand
  // from the full-match rule (Cilium layer7 docs; Envoy matches method and path regexes against the
  // whole value, RE2):
  //   POST /v1/request-landing  "/v1/request-landing" matches /v1/.*          -> allowed (unchanged)
  //   PUT /v1/exhaust-port      "/v1/exhaust-port" matches /v1/.*, no method -> allowed (was l7-denied)
  //   GET /v1                   "/v1" has no "/" after v1: /v1/.* cannot match the whole of it
  //                                                                          -> l7-denied (unchanged)
  //   xwing                     still fails the L3 check before Envoy        -> dropped (unchanged)
  // (Keeping method "POST" would change nothing: PUT and GET fail the method regex first.)
  const anythingUnderV1 = edit(
    original,
    '              - method: "POST"\n                path: "/v1/request-landing"\n',
    '              - path: "/v1/.*"\n',
  );
  await replaceEditorText(page, anythingUnderV1);
  await expectPredictions(page, ['allowed', 'allowed', 'l7-denied', 'dropped']);
  const exhaustPort = page.getByTestId('playground-row').nth(1);
  await expect(exhaustPort).toHaveAttribute('data-expected', 'l7-denied');
  await expect(exhaustPort.getByTestId('playground-deciding')).toContainText(`${editorFileName(lab, step)}:23`);
  await expect(page.getByTestId('playground-summary')).toContainText('1 of 4 predictions differ');

  // Edit 2: /v1(/.*)? also matches "/v1" itself, so GET /v1 gets through as well.
  await replaceEditorText(page, edit(anythingUnderV1, 'path: "/v1/.*"', 'path: "/v1(/.*)?"'));
  await expectPredictions(page, ['allowed', 'allowed', 'allowed', 'dropped']);

  // Reset brings back the lab's file and its predictions.
  await page.getByTestId('playground-reset').click();
  await expect.poll(() => editorText(page)).toBe(original);
  await expectPredictions(page, step.probes.map((p) => p.expect));
  await expect(page.getByTestId('playground-reset')).toBeDisabled();
  expect(problems).toEqual([]);
});

test('an invalid edit lists file:line:col errors and no stale prediction', async ({page}) => {
  const problems = await openPlayground(page);
  const step = stepById('cilium-l7');
  const file = editorFileName(lab, step);
  const original = initialEditorText(step);

  // An entity Cilium does not know, in a rule of its own (with fromEndpoints in the same rule Cilium
  // would refuse the combination too): one validation error, at the value.
  const galaxy = edit(original, '  ingress:\n', '  ingress:\n    - fromEntities: [galaxy]\n');
  const lines = galaxy.split('\n');
  const line = lines.findIndex((l) => l.includes('galaxy')) + 1;
  const col = lines[line - 1].indexOf('galaxy') + 1;
  await replaceEditorText(page, galaxy);
  const error = page.getByTestId('playground-error');
  await expect(error).toHaveCount(1);
  await expect(error).toContainText(`${file}:${line}:${col}: `);
  await expect(error).toContainText('"galaxy", which is not a valid entity');
  await expectPredictions(page, step.probes.map(() => 'unavailable'));
  await expect(page.getByTestId('playground-summary')).toContainText('Prediction unavailable');
  // Clicking the error puts the cursor on that line.
  await page.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+Home');
  await error.getByRole('button').click();
  await expect(page.locator('.cm-activeLine')).toHaveText(lines[line - 1]);

  // A YAML syntax error: the document is not read at all.
  await replaceEditorText(page, edit(original, 'kind: CiliumNetworkPolicy', 'kind: [CiliumNetworkPolicy'));
  await expect(page.getByTestId('playground-error').first()).toHaveText(new RegExp(`^${file.replace(/\./g, '\\.')}:\\d+:\\d+: YAML syntax error`));
  await expectPredictions(page, step.probes.map(() => 'unavailable'));

  // Fixing the text brings predictions back.
  await replaceEditorText(page, original);
  await expect(page.getByTestId('playground-error')).toHaveCount(0);
  await expectPredictions(page, step.probes.map((p) => p.expect));
  expect(problems).toEqual([]);
});

test('the kubernetes datapath keeps the NetworkPolicy step and differs only on ipBlock', async ({page}) => {
  const problems = await openPlayground(page);
  const step = stepById('k8s-allow-empire');
  await page.getByTestId('playground-step').selectOption(step.id);
  await expectPredictions(page, step.probes.map((p) => p.expect));

  // The datapaths differ in one point only: whether an ipBlock matches pod (and node) IPs.
  // Kubernetes NetworkPolicy lets a plugin match cluster-internal IPs with ipBlock; Cilium never
  // matches CIDR rules against pods or nodes (they have identities). deathstar-allow-empire uses a
  // podSelector, no ipBlock, so both datapaths give the lab's verdicts.
  await page.getByTestId('playground-datapath').selectOption('kubernetes');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-datapath', 'kubernetes');
  await expectPredictions(page, step.probes.map((p) => p.expect));

  // And the difference itself: admit ipBlock 0.0.0.0/0 instead of org=empire. By hand: on the
  // kubernetes datapath the block covers every pod IP, so both ships land; on cilium it covers no
  // pod (only the world), so the isolated deathstar drops both.
  const ipBlock = edit(
    initialEditorText(step),
    '        - podSelector:\n            matchLabels:\n              org: empire\n',
    '        - ipBlock:\n            cidr: 0.0.0.0/0\n',
  );
  await replaceEditorText(page, ipBlock);
  await expectPredictions(page, ['allowed', 'allowed']);
  await page.getByTestId('playground-datapath').selectOption('cilium');
  await expectPredictions(page, ['dropped', 'dropped']);
  expect(problems).toEqual([]);
});

/** Presses Tab until `target` has the focus; fails after `max` presses. */
async function tabTo(page: Page, target: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.locator(target).evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${target} never got the focus in ${max} presses of Tab`);
}

test('the playground works with the keyboard alone', async ({page}) => {
  const problems = await openPlayground(page);
  const step = stepById('cilium-l7');
  const steps = lab.steps.map((s) => s.id);
  const next = steps[steps.indexOf('cilium-l7') + 1];

  // The step list: reached with Tab, changed with the arrow keys.
  await tabTo(page, '[data-testid="playground-step"]');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', next);
  // Changing the step keeps the focus on the list, so the arrows keep working (once the new step's
  // prediction is shown: a key pressed while the page is still busy with it is not the point here).
  await expect(page.getByTestId('playground-step')).toBeFocused();
  await expect(page.getByTestId('playground-summary')).toHaveAttribute('data-status', 'ok');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', 'cilium-l7');

  // Into the editor (the reset button is disabled, so not a tab stop), and an edit: with no policy
  // at all nothing isolates the deathstar, so every probe is allowed (Kubernetes NetworkPolicy:
  // pods are non-isolated until a policy selects them; the same holds for Cilium, default-allow step).
  await tabTo(page, '.cm-content');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('# no policy');
  await expectPredictions(page, step.probes.map(() => 'allowed'));

  // Out of the editor as the hint says (Esc, then Tab; CodeMirror keeps Tab alone for indenting),
  // back to the reset button, and reset with Enter.
  await expect(page.locator('#playground-keyboard-hint')).toContainText('Esc');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByTestId('playground-reset')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(() => editorText(page)).toBe(initialEditorText(step));
  await expectPredictions(page, step.probes.map((p) => p.expect));
  expect(problems).toEqual([]);
});

test.describe('dark mode', () => {
  test.use({colorScheme: 'dark'});

  test('the editor follows the dark theme', async ({page}) => {
    const problems = await openPlayground(page);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    const background = await page.locator('.cm-editor').evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = (background.match(/\d+/g) ?? ['255', '255', '255']).map(Number);
    expect(r + g + b, `editor background ${background} should be dark`).toBeLessThan(3 * 96);
    await pictureOnRequest(page, 'playground-dark');
    expect(problems).toEqual([]);
  });
});

test('the lab picker offers every lab; each step of module 2\'s labs predicts what its lab.yaml expects', async ({page}) => {
  // The lab's own steps, and the datapath switch on the ipBlock step that the lesson describes.
  const labs = listLabDirs().map((dir) => readLabOrThrow(dir));
  // One switch and one prediction per step of module 2's labs (a score of them): on a busy two-core
  // machine that took more than the default 30 s.
  test.setTimeout(30_000 + 3_000 * labs.filter((l) => l.id.startsWith('netpol-')).flatMap((l) => l.steps).length);
  const problems = await openPlayground(page);
  const picker = page.getByTestId('playground-lab');
  await expect(picker).toHaveValue('deathstar');
  const offered = await picker.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  expect([...offered].sort()).toEqual(labs.map((l) => l.id).sort());

  for (const other of labs.filter((l) => l.id.startsWith('netpol-'))) {
    await picker.selectOption(other.id);
    await expect(page.getByTestId('playground')).toHaveAttribute('data-lab', other.id);
    // A new lab opens on its first step, and the step picker lists that lab's steps only.
    await expect(page.getByTestId('playground-step')).toHaveValue(other.steps[0].id);
    const steps = await page.getByTestId('playground-step').locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(steps).toEqual(other.steps.map((s) => s.id));
    for (const step of other.steps) {
      await page.getByTestId('playground-step').selectOption(step.id);
      await expect(page.getByTestId('playground')).toHaveAttribute('data-step', step.id);
      await expect.poll(() => editorText(page)).toBe(initialEditorText(step));
      const rows = page.getByTestId('playground-row');
      await expect(rows).toHaveCount(step.probes.length);
      await expect
        .poll(() => rows.evaluateAll((els) => els.map((r) => r.getAttribute('data-predicted'))), `${other.id} / ${step.id}`)
        .toEqual(step.probes.map((p) => p.expect));
      await expect(page.getByTestId('playground-error')).toHaveCount(0);
    }
  }

  // netpol-ipblock's pod-network ipBlock: no pod on Cilium, the pods under the reference semantics.
  // (The loop above ends on whichever module 2 lab comes last, netpol-sctp since it exists.)
  await picker.selectOption('netpol-ipblock');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-lab', 'netpol-ipblock');
  await page.getByTestId('playground-step').selectOption('ipblock-pod-cidr');
  await expectPredictions(page, ['dropped', 'dropped', 'dropped']);
  await page.getByTestId('playground-datapath').selectOption('kubernetes');
  await expectPredictions(page, ['allowed', 'allowed', 'dropped']);

  // Back to module 1: the deathstar's steps again.
  await picker.selectOption('deathstar');
  await expect(page.getByTestId('playground-step')).toHaveValue(labs.find((l) => l.id === 'deathstar')!.steps[0].id);
  expect(problems).toEqual([]);
});
