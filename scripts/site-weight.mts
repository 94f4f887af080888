// `npm run weight`: the JavaScript each page of the built site (build/, `npm run build` first) makes a
// browser fetch until the network is idle, each file counted gzip-compressed, against its budget.
// The browser tests (tests/e2e/site.spec.ts) fail above the same budgets; this prints the figures.
import {spawn} from 'node:child_process';
import {createRequire} from 'node:module';
import {chromium} from '@playwright/test';
import {executablePath, freePort, launchArgs, serveArgs} from '../tests/e2e/browser';
import {BUDGET, pageKind, recordScripts, totalGzip} from '../tests/e2e/page-weight';
import {builtPages, diagramPages} from '../tests/e2e/site-pages';

const port = freePort();
const base = `http://127.0.0.1:${port}`;
// Docusaurus's own entry point under this Node, not npx through a shell: one process, which
// stopping by its pid really stops.
const docusaurus = createRequire(import.meta.url).resolve('@docusaurus/core/bin/docusaurus.mjs');
const server = spawn(process.execPath, [docusaurus, ...serveArgs(port)], {stdio: 'ignore'});
const stopServer = () => server.kill('SIGTERM');

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await fetch(`${base}/`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the site server (docusaurus ${serveArgs(port).join(' ')}) did not answer within 60 s`);
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
let over = 0;
try {
  await waitForServer();
  const browser = await chromium.launch({executablePath, args: launchArgs});
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  console.log('JavaScript per page, gzip -9 (1 KB = 1000 bytes):');
  const diagrams = diagramPages();
  for (const path of builtPages()) {
    const files = recordScripts(page);
    await page.goto(base + path, {waitUntil: 'networkidle'});
    const kind = pageKind(path, diagrams);
    const list = await files();
    const total = totalGzip(list);
    const verdict = total > BUDGET[kind] ? 'OVER BUDGET' : 'ok';
    if (total > BUDGET[kind]) over++;
    console.log(`${path.padEnd(36)} ${kb(total).padStart(9)} of ${kb(BUDGET[kind]).padStart(9)} (${kind})  ${list.length} files  ${verdict}`);
    if (process.argv.includes('--files')) {
      for (const f of list) console.log(`    ${kb(f.gzipBytes).padStart(9)}  ${new URL(f.url).pathname}`);
    }
    page.removeAllListeners('response');
  }
  await browser.close();
} finally {
  stopServer();
}
process.exitCode = over ? 1 : 0;
