// The browser tests' accessibility check, defined once: axe-core's WCAG 2.1 A and AA rules.
import AxeBuilder from '@axe-core/playwright';
import type {Page} from '@playwright/test';

/**
 * axe-core's serious and critical findings on `page` (within the `include` selectors, when given), one
 * line each: impact, rule, help text and up to five of the elements found. Minor and moderate findings
 * are not failures.
 *
 * Legacy mode runs axe in the page itself. The default opens a second, blank page to combine the
 * results of each frame (@axe-core/playwright README, "setLegacyMode"), which costs a page and a second
 * injection of axe per check; the site has no frames, so both give the same findings in half the time.
 */
export async function seriousAccessibilityFindings(page: Page, include: string[] = []): Promise<string[]> {
  let builder = new AxeBuilder({page}).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).setLegacyMode(true);
  for (const selector of include) builder = builder.include(selector);
  const {violations} = await builder.analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')})`);
}
