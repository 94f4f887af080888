// The playground as a place to experiment and share: extra probes, share links, the confirm dialog,
// edits kept across a reload, links from the lessons and the home page, and the service map checked
// against the labs' own expectations. Run after `npm run build`.
import {deflateRawSync} from 'node:zlib';
import {expect as baseExpect, test} from './fixtures';
import {editorText, playgroundEditor} from './playground-editor';
import {type Page} from '@playwright/test';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import type {Probe} from '../../src/lab/load';
import {initialEditorText} from '../../src/components/Playground/editorText';

const deathstar = readLabOrThrow('labs/deathstar');
const labs = listLabDirs().map((dir) => readLabOrThrow(dir));

// CodeMirror renders only the lines near the visible part of the page; a tall window shows them all.
test.use({viewport: {width: 1280, height: 1800}});
// Each test opens the playground (CodeMirror, the engine, a lab) several times; on a loaded 2-core
// machine that alone can take most of Playwright's default 30 s.
test.describe.configure({timeout: 240_000});
// Hydration and the engine's first run share those 2 cores with other builds: wait longer than 5 s for each state.
const expect = baseExpect.configure({timeout: 20_000});
const {replaceEditorText, edit, expectPredictions} = playgroundEditor(expect);

function stepById(id: string) {
  const step = deathstar.steps.find((s) => s.id === id);
  if (!step) throw new Error(`labs/deathstar/lab.yaml has no step "${id}"; its steps are ${deathstar.steps.map((s) => s.id).join(', ')}`);
  return step;
}

/** Collects console errors and uncaught exceptions: none may happen. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return problems;
}

/** Opens `path` and waits until the playground has applied the link or the stored state, with CodeMirror loaded. */
async function openPlayground(page: Page, path = '/playground'): Promise<void> {
  const response = await page.goto(path, {waitUntil: 'networkidle'});
  expect(response?.status(), `${path} status`).toBe(200);
  await expect(page.getByTestId('playground')).toHaveAttribute('data-restored', 'true');
  await expect(page.locator('.cm-content')).toBeVisible();
}

/** Adds a probe through the form, as a learner would. */
async function addProbe(page: Page, probe: {from: string; kind: string; to: string; port?: string; method?: string; path?: string}): Promise<void> {
  await page.getByTestId('probe-from').selectOption(probe.from);
  await page.getByTestId('probe-kind').selectOption(probe.kind);
  await page.getByTestId('probe-to').selectOption(probe.to);
  if (probe.port !== undefined) await page.getByTestId('probe-port').fill(probe.port);
  if (probe.method !== undefined) await page.getByTestId('probe-method').selectOption(probe.method);
  if (probe.path !== undefined) await page.getByTestId('probe-path').fill(probe.path);
  await page.getByTestId('probe-add').click();
}

/**
 * cilium-l7 with the docs' "anything under /v1/" edit: path /v1/.* and no method. Expected by hand
 * from Envoy's full match of the path regex (Cilium's layer7 docs), as tests/e2e/playground.spec.ts
 * derives them: POST /v1/request-landing allowed, PUT /v1/exhaust-port allowed (was l7-denied),
 * GET /v1 l7-denied ("/v1" has no "/" after v1), xwing dropped at L3 before any proxy.
 */
const L7 = stepById('cilium-l7');
const ANYTHING_UNDER_V1 = edit(initialEditorText(L7), '              - method: "POST"\n                path: "/v1/request-landing"\n', '              - path: "/v1/.*"\n');
const EDITED_PREDICTIONS = ['allowed', 'allowed', 'l7-denied', 'dropped'];
/** An extra probe the edit lets through: DELETE /v1/anything matches /v1/.* and no method is required. */
const EXTRA = {from: 'tiefighter', kind: 'http', to: 'service:star-wars/deathstar', port: '80', method: 'DELETE', path: '/v1/anything'};

test('a shared link reproduces an edited step with an extra probe', async ({page, browser}) => {
  const problems = watchProblems(page);
  await openPlayground(page);
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', 'cilium-l7');
  await replaceEditorText(page, ANYTHING_UNDER_V1);
  await expectPredictions(page, EDITED_PREDICTIONS);
  await addProbe(page, EXTRA);
  await expect(page.getByTestId('playground-extra-row')).toHaveCount(1);
  await expect(page.getByTestId('playground-extra-row')).toHaveAttribute('data-predicted', 'allowed');
  await expect(page.getByTestId('playground-extra-row')).toContainText('DELETE /v1/anything');
  await page.getByTestId('playground-datapath').selectOption('kubernetes');

  await page.getByTestId('playground-share').click();
  const link = await page.getByTestId('playground-share-link').inputValue();
  expect(link).toMatch(/\/playground#share=1\.[A-Za-z0-9_-]+$/);

  // Someone else, with nothing stored: the link alone brings back all of it.
  const other = await browser.newContext({viewport: {width: 1280, height: 1800}});
  const theirs = await other.newPage();
  const theirProblems = watchProblems(theirs);
  await openPlayground(theirs, link.slice(link.indexOf('/playground')));
  await expect(theirs.getByTestId('playground')).toHaveAttribute('data-step', 'cilium-l7');
  await expect(theirs.getByTestId('playground')).toHaveAttribute('data-datapath', 'kubernetes');
  await expect.poll(() => editorText(theirs)).toBe(ANYTHING_UNDER_V1);
  await expectPredictions(theirs, EDITED_PREDICTIONS);
  await expect(theirs.getByTestId('playground-extra-row')).toHaveCount(1);
  await expect(theirs.getByTestId('playground-extra-row')).toHaveAttribute('data-predicted', 'allowed');
  await expect(theirs.getByTestId('playground-extra-row')).toContainText('DELETE /v1/anything');
  await expect(theirs.getByTestId('playground-notice')).toHaveCount(0);
  // The link's state now lives in their browser; the address no longer carries it.
  expect(new URL(theirs.url()).hash).toBe('');
  await other.close();
  expect(problems).toEqual([]);
  expect(theirProblems).toEqual([]);
});

test('a bad link says what is wrong and opens the lab\'s step as written, never a crash', async ({page}) => {
  const problems = watchProblems(page);
  // Cut short, as a chat client may do with a long link.
  const token = `1.${deflateRawSync(Buffer.from(JSON.stringify({lab: 'deathstar', step: 'cilium-l3-l4', datapath: 'cilium', policies: '# mine\n', probes: []}))).toString('base64url')}`;
  await openPlayground(page, `/playground#share=${token.slice(0, token.length - 8)}`);
  await expect(page.getByTestId('playground-notice')).toContainText('This link could not be opened: the link is damaged or cut short');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', 'cilium-l7');
  await expect.poll(() => editorText(page)).toBe(initialEditorText(L7));

  // Whole, but with a probe the lab does not allow: none of it is applied, the step is shown as the lab writes it.
  await page.goto('about:blank');
  const badProbe = {lab: 'deathstar', step: 'cilium-l3-l4', datapath: 'cilium', policies: '# mine\n', probes: [{from: 'xwing', kind: 'tcp', to: {service: 'star-wars/deathstar'}, port: 8080}]};
  await openPlayground(page, `/playground#share=1.${deflateRawSync(Buffer.from(JSON.stringify(badProbe))).toString('base64url')}`);
  await expect(page.getByTestId('playground-notice')).toContainText('Service "deathstar" has no TCP port 8080');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', 'cilium-l3-l4');
  await expect.poll(() => editorText(page)).toBe(initialEditorText(stepById('cilium-l3-l4')));
  await expect(page.getByTestId('playground-extra-row')).toHaveCount(0);

  // A link to a lab this site does not have leaves what this browser kept open, edits included.
  const mine = `${initialEditorText(stepById('cilium-l3-l4'))}# mine\n`;
  await replaceEditorText(page, mine);
  await expect(page.getByTestId('playground-share-status')).toContainText('Your edits are kept in this browser');
  await page.waitForTimeout(1000); // the stored state follows the editor after its 200 ms pause
  await page.goto('about:blank');
  const unknownLab = {lab: 'death-star', step: 'l3', datapath: 'cilium', probes: []};
  await openPlayground(page, `/playground#share=1.${deflateRawSync(Buffer.from(JSON.stringify(unknownLab))).toString('base64url')}`);
  await expect(page.getByTestId('playground-notice')).toContainText('it names the lab "death-star", which this site does not have');
  await expect(page.getByTestId('playground-notice')).toContainText('what you had open before');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', 'cilium-l3-l4');
  await expect.poll(() => editorText(page)).toBe(mine);
  expect(problems).toEqual([]);
});

test('switching steps with edits asks first, in an accessible dialog', async ({page}) => {
  const problems = watchProblems(page);
  await openPlayground(page);
  // Unedited: no question.
  await page.getByTestId('playground-step').selectOption('cilium-l3-l4');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', 'cilium-l3-l4');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.getByTestId('playground-step').selectOption('cilium-l7');

  await replaceEditorText(page, ANYTHING_UNDER_V1);
  await page.getByTestId('playground-step').selectOption('no-policy');
  const dialog = page.getByRole('dialog', {name: 'Discard your edits?'});
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('cilium-l7');
  // The focus starts on the button that keeps the work; Escape keeps it too.
  await expect(dialog.getByRole('button', {name: 'Stay on this step'})).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', 'cilium-l7');
  await expect(page.getByTestId('playground-step')).toHaveValue('cilium-l7');
  await expect.poll(() => editorText(page)).toBe(ANYTHING_UNDER_V1);

  await page.getByTestId('playground-step').selectOption('no-policy');
  await dialog.getByRole('button', {name: 'Discard and switch'}).click();
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', 'no-policy');
  await expect.poll(() => editorText(page)).toBe(initialEditorText(stepById('no-policy')));
  expect(problems).toEqual([]);
});

test('edits and extra probes survive a reload; a lesson\'s link opens its step', async ({page}) => {
  const problems = watchProblems(page);
  await openPlayground(page);
  await replaceEditorText(page, ANYTHING_UNDER_V1);
  await expectPredictions(page, EDITED_PREDICTIONS);
  await addProbe(page, EXTRA);
  await expect(page.getByTestId('playground-extra-row')).toHaveAttribute('data-predicted', 'allowed');
  await page.reload({waitUntil: 'networkidle'});
  await expect(page.getByTestId('playground')).toHaveAttribute('data-restored', 'true');
  await expect.poll(() => editorText(page)).toBe(ANYTHING_UNDER_V1);
  await expectPredictions(page, EDITED_PREDICTIONS);
  await expect(page.getByTestId('playground-extra-row')).toHaveAttribute('data-predicted', 'allowed');

  // The lesson of the same step: its link keeps the edits made there.
  await page.goto(`/docs/${L7.lesson}`, {waitUntil: 'networkidle'});
  await page.locator(`[data-testid="open-in-playground"][data-step="cilium-l7"]`).click();
  await expect(page.getByTestId('playground')).toHaveAttribute('data-restored', 'true');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', 'cilium-l7');
  await expect.poll(() => editorText(page)).toBe(ANYTHING_UNDER_V1);

  // Another step's lesson: its link asks before the edits are replaced, then opens that step.
  const other = stepById('cilium-l3-l4');
  await page.goto(`/docs/${other.lesson}`, {waitUntil: 'networkidle'});
  await page.locator(`[data-testid="open-in-playground"][data-step="${other.id}"]`).click();
  const dialog = page.getByRole('dialog', {name: 'Replace your edits with the link?'});
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', {name: 'Open the link'}).click();
  await expect(page.getByTestId('playground')).toHaveAttribute('data-step', other.id);
  await expect.poll(() => editorText(page)).toBe(initialEditorText(other));
  await expectPredictions(page, other.probes.map((p) => p.expect));
  expect(problems).toEqual([]);
});

test('every lesson with a probe table links each of its steps to the playground', async ({page}) => {
  const byLesson = new Map<string, {lab: string; step: string}[]>();
  for (const lab of labs) {
    for (const step of lab.steps) {
      if (step.lesson) byLesson.set(step.lesson, [...(byLesson.get(step.lesson) ?? []), {lab: lab.id, step: step.id}]);
    }
  }
  let linked = 0;
  // The links are in the static HTML: no script needs to run, so none is fetched (73 pages stay quick).
  await page.route(/\.js(\?|$)/, (route) => route.abort());
  for (const [lesson, steps] of byLesson) {
    await page.goto(`/docs/${lesson}`, {waitUntil: 'domcontentloaded'});
    for (const {lab, step} of steps) {
      // A step's lesson may show another view of it than its table; where the table is, the link is.
      const tables = await page.locator(`[data-testid="probe-table"][data-lab="${lab}"][data-step="${step}"]`).count();
      const link = page.locator(`[data-testid="open-in-playground"][data-lab="${lab}"][data-step="${step}"]`);
      await expect(link, `${lab}/${step} on /docs/${lesson}`).toHaveCount(tables);
      if (tables > 0) {
        await expect(link.first()).toHaveAttribute('href', `/playground?lab=${lab}&step=${step}`);
        linked++;
      }
    }
  }
  expect(linked).toBeGreaterThan(40);
});

test('the home page loads the playground only when asked', async ({page}) => {
  const problems = watchProblems(page);
  await page.goto('/', {waitUntil: 'networkidle'});
  await expect(page.getByTestId('playground')).toHaveCount(0);
  await page.getByTestId('home-playground-load').click();
  // The playground's chunks are fetched now, not before.
  await expect(page.getByTestId('playground')).toHaveAttribute('data-restored', 'true', {timeout: 30_000});
  await expectPredictions(page, L7.probes.map((p) => p.expect));
  expect(problems).toEqual([]);
});

/** The flow a lab probe travels, as the map's edges name it; undefined for probes to addresses or outside names. */
function flowOf(probe: Probe): {from: string; to: string; port: string; protocol: string} | undefined {
  const from = probe.source.kind === 'outside' ? 'outside' : `${probe.source.namespace}/${probe.source.name}`;
  if (probe.request.kind === 'dns') return {from, to: 'kube-system/kube-dns', port: '53', protocol: 'UDP'};
  // The map draws the app's Services and the cluster DNS, not the API server (kubernetes.default).
  if (probe.target.service === undefined || probe.target.port === undefined || probe.target.apiServer) return undefined;
  // An SCTP probe goes to the headless Service's SCTP port, which the map draws as its own edge.
  return {from, to: `${probe.target.namespace}/${probe.target.service}`, port: String(probe.target.port), protocol: probe.request.kind === 'sctp' ? 'SCTP' : 'TCP'};
}

test('the service map\'s edges agree with every lab\'s expected outcomes, step by step', async ({page}) => {
  const problems = watchProblems(page);
  await openPlayground(page);
  await page.getByTestId('playground-map-toggle').click();
  await expect(page.getByTestId('service-map')).toBeVisible();
  let compared = 0;
  for (const lab of labs) {
    await page.getByTestId('playground-lab').selectOption(lab.id);
    await expect(page.getByTestId('playground')).toHaveAttribute('data-lab', lab.id);
    for (const step of lab.steps) {
      await page.getByTestId('playground-step').selectOption(step.id);
      await expect(page.getByTestId('service-map')).toHaveAttribute('data-step', step.id);
      const edges = await page.getByTestId('map-edge').evaluateAll((els) =>
        els.map((e) => ({from: e.getAttribute('data-from'), to: e.getAttribute('data-to'), port: e.getAttribute('data-port'), protocol: e.getAttribute('data-protocol'), verdict: e.getAttribute('data-verdict'), l7: e.getAttribute('data-l7')})),
      );
      for (const probe of step.probes) {
        const flow = flowOf(probe);
        if (!flow || probe.expect === 'unresolved') continue;
        const where = `${lab.id}/${step.id}: ${probe.from} ${probe.label} expects ${probe.expect}`;
        const edge = edges.find((e) => e.from === flow.from && e.to === flow.to && e.port === flow.port && e.protocol === flow.protocol);
        expect(edge, `${where}: no edge ${JSON.stringify(flow)}`).toBeDefined();
        expect(edge!.verdict, where).toBe(probe.expect === 'dropped' ? 'dropped' : 'allowed');
        if (probe.expect === 'l7-denied') expect(edge!.l7, where).toBe('true');
        compared++;
      }
    }
  }
  expect(compared).toBeGreaterThan(100);
  expect(problems).toEqual([]);
});

test('the service map follows an edit at once', async ({page}) => {
  const problems = watchProblems(page);
  await openPlayground(page);
  await page.getByTestId('playground-map-toggle').click();
  const edge = page.locator('[data-testid="map-edge"][data-from="star-wars/tiefighter"][data-to="star-wars/deathstar"][data-port="80"]');
  // lab.yaml: on cilium-l7 the tiefighter's PUT /v1/exhaust-port is l7-denied, so L7 rules judge this flow.
  expect(L7.probes.some((p) => p.from === 'tiefighter' && p.expect === 'l7-denied')).toBe(true);
  await expect(edge).toHaveAttribute('data-l7', 'true');
  // The L3/L4 step's policy has no HTTP rules: the same flow, allowed with no proxy.
  const l3l4 = initialEditorText(stepById('cilium-l3-l4'));
  expect(l3l4).not.toContain('rules:');
  await replaceEditorText(page, l3l4);
  await expect(edge).toHaveAttribute('data-l7', 'false');
  await expect(edge).toHaveAttribute('data-verdict', 'allowed');
  await expect(page.locator('[data-testid="map-edge"][data-from="star-wars/xwing"][data-to="star-wars/deathstar"]')).toHaveAttribute('data-verdict', 'dropped');
  expect(problems).toEqual([]);
});
