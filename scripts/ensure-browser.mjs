#!/usr/bin/env node
// Makes sure the browser tests have a browser before they start, so `npm test` works on a fresh
// machine: Debian's chromium if present, else Playwright's own, else (as root on Debian) install
// chromium with apt-get. Otherwise it stops with the command that fixes it: the tests never skip.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Playwright's own Chromium, when `npx playwright install chromium` has fetched it. */
function playwrightBrowser() {
  try {
    const {chromium} = createRequire(import.meta.url)('playwright-core');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) process.exit(0);
if (existsSync(DEBIAN_CHROMIUM) || playwrightBrowser()) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], {stdio: 'ignore'}).status === 0;
if (isRoot && hasApt) {
  console.log('No browser for the end-to-end tests: installing Debian chromium (apt-get install chromium)...');
  const env = {...process.env, DEBIAN_FRONTEND: 'noninteractive'};
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'chromium']]) {
    const result = spawnSync('apt-get', args, {stdio: 'inherit', env});
    if (result.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed (exit ${result.status}).`);
      process.exit(1);
    }
  }
  process.exit(existsSync(DEBIAN_CHROMIUM) ? 0 : 1);
}

console.error(
  'No browser for the end-to-end tests. Install one, then run the tests again:\n' +
    '  Debian/Ubuntu:  sudo apt-get install chromium\n' +
    '  anywhere else:  npx playwright install chromium\n' +
    'or point CHROMIUM_PATH at a Chromium or Chrome executable.',
);
process.exit(1);
