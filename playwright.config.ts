import {defineConfig} from '@playwright/test';
import {executablePath, freePort, launchArgs, serveCommand} from './tests/e2e/browser';

/**
 * Browser tests against the built site (`npm run build` first). Debian's chromium where it is
 * installed (CI installs it), Playwright's own browser otherwise (`npx playwright install chromium`
 * on a laptop). When no browser can start, the tests fail: they are never skipped.
 *
 * The tests start their own server, on a port free when the run starts. Playwright loads this file
 * in the runner and again in every worker; the runner picks the port and its workers inherit it
 * through E2E_PORT. A server already on that port is never reused (it could be someone else's build):
 * Playwright then stops with "is already used".
 */
process.env.E2E_PORT ??= String(freePort());
const PORT = Number(process.env.E2E_PORT);

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // A test that takes 10-20 s on an idle two-core machine took 35-40 s while other builds ran;
  // Playwright's default of 30 s then failed tests that were right. Time, not correctness, is
  // what the budget guards, so it has room; a hung test still stops within a minute.
  timeout: 60_000,
  reporter: [['list'], ['html', {open: 'never', outputFolder: 'reports/playwright'}]],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    // The whole page as it was when a test failed, in the HTML report.
    screenshot: {mode: 'only-on-failure', fullPage: true},
    launchOptions: {executablePath, args: launchArgs},
  },
  webServer: {
    command: serveCommand(PORT),
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
