// Module 3 (Cilium's policy language) in a real browser: the sidebar, the selector diagram, the
// quoted engine output and the side-by-side layout. Run after `npm run build`. The checks every
// lesson page gets (no console error, accessibility, phone width, manifests verbatim, probe tables)
// are in site.spec.ts, which finds these pages through the sitemap.
import {readFileSync, readdirSync} from 'node:fs';
import {expect, test} from './fixtures';
import {formatError, parsePolicyDocuments} from '../../src/policy';

const MODULE = '/docs/cilium-policy/';
const LESSONS = ['rule-structure', 'identities', 'entities', 'cidr', 'dns', 'services-icmp', 'deny', 'clusterwide', 'host-policies', 'kubernetes-vs-cilium', 'challenges'];

test('the sidebar lists module 3 after module 1, with every lesson in order', async ({page}) => {
  await page.goto(MODULE, {waitUntil: 'networkidle'});
  const sidebar = page.locator('nav[aria-label="Docs sidebar"]');
  const categories = await sidebar.locator('.menu__list-item-collapsible > a').allInnerTexts();
  const module1 = categories.findIndex((c) => c.startsWith('Module 1'));
  const module3 = categories.findIndex((c) => c.startsWith("Module 3: Cilium's policy language"));
  expect(module1).toBeGreaterThanOrEqual(0);
  expect(module3).toBeGreaterThan(module1);
  const hrefs = await sidebar.locator(`a.menu__link[href^="${MODULE}"]`).evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  expect(hrefs.filter((h) => h !== MODULE)).toEqual(LESSONS.map((l) => `${MODULE}${l}`));
});

test('the overview shows the selector-to-peer diagram, loaded, with a text alternative', async ({page}) => {
  await page.goto(MODULE, {waitUntil: 'networkidle'});
  const diagram = page.locator('main img[src*="selector-peers"]');
  await expect(diagram).toBeVisible();
  // Docusaurus loads Markdown images lazily: bring it into view, then it must decode.
  await diagram.scrollIntoViewIfNeeded();
  await expect.poll(() => diagram.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  expect((await diagram.getAttribute('alt')) ?? '').toMatch(/CIDR rules and toFQDNs match addresses outside the cluster only/);
  // Docusaurus serves the picture under a hashed name; fetch what the page points at.
  const svg = await page.request.get((await diagram.getAttribute('src'))!);
  expect(svg.status()).toBe(200);
  const text = await svg.text();
  // The picture names every selector kind the module teaches.
  for (const kind of ['fromEndpoints / toEndpoints', 'fromEntities / toEntities', 'fromCIDR(Set) / toCIDR(Set)', 'toFQDNs', 'toServices']) expect(text).toContain(kind);
  // It fits the content column at phone width instead of pushing the page sideways.
  await page.setViewportSize({width: 390, height: 844});
  const box = await diagram.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(390);
});

test('the rule-structure page shows, under each refused policy, the error the simulator gives for it', async ({page}) => {
  await page.goto(`${MODULE}rule-structure`, {waitUntil: 'networkidle'});
  const blocks = await page.locator('pre code').allInnerTexts();
  for (const file of readdirSync('labs/cilium-refused').filter((f) => f.endsWith('.yaml'))) {
    const path = `labs/cilium-refused/${file}`;
    const {errors} = parsePolicyDocuments(readFileSync(path, 'utf8'), path, {defaultNamespace: 'empire'});
    expect(errors).toHaveLength(1);
    const message = formatError(errors[0]);
    expect(blocks.some((b) => b.includes(message)), `${file}: ${message}`).toBe(true);
    await expect(page.locator('.theme-code-block [class*="codeBlockTitle"]', {hasText: path})).toBeVisible();
  }
});

test('the host-policies page shows the lab\'s probe tables (outside to the worker\'s kubelet port: allowed, then dropped) and the lockout warnings', async ({page}) => {
  await page.goto(`${MODULE}host-policies`, {waitUntil: 'networkidle'});
  const kubelet = (step: string) =>
    page.locator(`[data-testid="probe-table"][data-lab="cilium-host-policies"][data-step="${step}"]`).getByTestId('probe-row').filter({hasText: 'netpol-labs-worker:10250'});
  await expect(kubelet('no-host-policy')).toHaveCount(1);
  await expect(kubelet('no-host-policy')).toHaveAttribute('data-expect', 'allowed');
  await expect(kubelet('workers-host-policy')).toHaveCount(1);
  await expect(kubelet('workers-host-policy')).toHaveAttribute('data-expect', 'dropped');
  await expect(page.locator('pre code', {hasText: 'host policy lockout'})).toBeVisible();
  await expect(page.getByRole('link', {name: 'cilium-host-policies.mjs'})).toHaveAttribute('href', '/zx/cilium-host-policies.mjs');
});

test('the entities page probes the API server: dropped under host, allowed under kube-apiserver with the control-plane beacon, the worker\'s beacon dropped', async ({page}) => {
  await page.goto(`${MODULE}entities`, {waitUntil: 'networkidle'});
  const row = (step: string, target: string) =>
    page.locator(`[data-testid="probe-table"][data-lab="cilium-identities"][data-step="${step}"]`).getByTestId('probe-row').filter({hasText: target});
  await expect(row('entity-host', 'kubernetes.default:443')).toHaveAttribute('data-expect', 'dropped');
  await expect(row('entity-kube-apiserver', 'kubernetes.default:443')).toHaveAttribute('data-expect', 'allowed');
  await expect(row('entity-kube-apiserver', 'beacon-cp:8080')).toHaveAttribute('data-expect', 'allowed');
  await expect(row('entity-kube-apiserver', 'beacon-worker:8080')).toHaveAttribute('data-expect', 'dropped');
  await expect(page.locator('.theme-code-block [class*="codeBlockTitle"]', {hasText: 'labs/cilium-identities/tiefighter-to-kube-apiserver.yaml'})).toBeVisible();
});

test('side by side: the two APIs in two columns on a laptop, one above the other on a phone', async ({page}) => {
  await page.setViewportSize({width: 1400, height: 900});
  await page.goto(`${MODULE}kubernetes-vs-cilium`, {waitUntil: 'networkidle'});
  const k8s = page.locator('.theme-code-block', {hasText: 'kind: NetworkPolicy'}).filter({hasText: 'deathstar-allow-empire'});
  const cnp = page.locator('.theme-code-block', {hasText: 'kind: CiliumNetworkPolicy'}).filter({hasText: 'name: rule1'});
  const [a, b] = [await k8s.boundingBox(), await cnp.boundingBox()];
  expect(Math.abs(a!.y - b!.y)).toBeLessThan(5);
  expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
  await page.setViewportSize({width: 390, height: 844});
  const [c, d] = [await k8s.boundingBox(), await cnp.boundingBox()];
  expect(d!.y).toBeGreaterThan(c!.y + c!.height - 1);
});
