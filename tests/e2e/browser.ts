// The browser and the server the browser tests and `npm run weight` use, defined once.
import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium where it is installed (CI installs it), Playwright's own browser otherwise. */
export const executablePath = process.env.CHROMIUM_PATH ?? (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined);

/**
 * As root on a machine with no outside network: no sandbox, and none of Chromium's background
 * connections (they are refused here and would only add noise).
 */
export const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now: the kernel picks it (listen on port 0),
 * then the listener closes. Synchronous, because Playwright loads its config synchronously.
 */
export function freePort(): number {
  const script =
    "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], {encoding: 'utf8'}));
}

/** The arguments of `docusaurus serve` for the built site (build/) on `port`. */
export function serveArgs(port: number): string[] {
  return ['serve', '--host', '127.0.0.1', '--port', String(port), '--no-open'];
}

/** The command that serves the built site (build/) on `port`, as Playwright's webServer runs it. */
export function serveCommand(port: number): string {
  return `npx docusaurus ${serveArgs(port).join(' ')}`;
}
