/** Helpers of the classifier tests that send real traffic: local servers and network namespaces. */
import type {AddressInfo, Server as NetServer} from 'node:net';
import type {Server} from 'node:http';
import type {Http2Server} from 'node:http2';
import {execa} from 'execa';

/** Starts a server on 127.0.0.1 on a free port; resolves to the port. */
export function listen(server: Server | Http2Server | NetServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Runs iproute2's `ip`; a failure fails the test with what it needs (it never skips). */
export async function ip(...args: string[]): Promise<string> {
  const r = await execa('ip', args, {reject: false, timeout: 10_000});
  if (r.exitCode !== 0) {
    throw new Error(
      `"ip ${args.join(' ')}" failed (exit ${r.exitCode}): ${String(r.stderr).trim()}. ` +
        'This test needs root (CAP_NET_ADMIN) and iproute2 to create network namespaces; it does not skip.',
    );
  }
  return String(r.stdout);
}
