/**
 * The SCTP probe's command and its classifier. Real SCTP cannot run where these tests run: the
 * kernel here has no SCTP (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) fails with EPROTONOSUPPORT), so
 * unlike classify-kinds.test.ts nothing here comes from a real run. Every socat output below is
 * BUILT FROM SOCAT'S SOURCE, NOT RECORDED: the log line format of its diagnostics
 * (`YYYY/MM/DD HH:MM:SS socat[PID] L message`, as `socat -d -d` prints it) around the messages of
 * xio-socket.c (`xioopen_connect()`: Notice "opening connection to %s"; `_xioopen_connect()` with
 * connect-timeout: "connecting to %s: %s" with strerror(ETIMEDOUT) when the poll timed out,
 * "connect(%d, %s, %d): %s" on POLLERR or SO_ERROR; `xiosocket()`: "socket(%d, %d, %d): %s"), xio-ip.c
 * (`xiogetaddrinfo()`: "getaddrinfo(\"%s\", \"%s\", {..}, {}): %s" with gai_strerror()) and socat.c
 * (Notice "starting data transfer loop with FDs [%d,%d] and [%d,%d]"), with the errno and
 * gai_strerror() texts of musl (the client image is Alpine) and glibc. The real lines are to be
 * recorded on the first kind run and added here.
 */
import {describe, expect, it} from 'vitest';
import {join} from 'node:path';
import {classify, probeInvocation, type ProbeRun} from '../../src/runner/probe';
import {ROOT} from '../cli-harness';
import {scriptClassifier} from './zx-classifier';

/** A socat log line as `socat -d -d` writes it (built from source, see the header). */
const log = (level: 'N' | 'E', message: string) => `2026/11/29 15:30:00 socat[42] ${level} ${message}`;
const OPENING = log('N', 'opening connection to AF=2 10.244.1.7:3868');
const KUBECTL_EXIT_1 = 'command terminated with exit code 1';

const run = (exitCode: number | undefined, lines: string[], extra: Partial<ProbeRun> = {}): ProbeRun => ({exitCode, stdout: '', stderr: `${lines.join('\n')}\n`, timedOut: false, ...extra});

/** Outputs built from socat's source, each with the outcome it must read as. */
const CASES: {what: string; run: ProbeRun; observed: string; evidence: RegExp; refused?: true}[] = [
  {
    what: 'associated: the transfer loop started, and /dev/null ended it (exit 0)',
    run: run(0, [OPENING, log('N', 'starting data transfer loop with FDs [0,0] and [5,5]'), log('N', 'exit(0)')]),
    observed: 'allowed',
    evidence: /^SCTP association established \(socat: N opening connection to AF=2 10\.244\.1\.7:3868\)$/,
  },
  {
    what: 'no answer to the INIT within connect-timeout',
    run: run(1, [OPENING, log('E', 'connecting to AF=2 10.244.1.7:3868: Connection timed out'), log('N', 'exit(1)'), KUBECTL_EXIT_1]),
    observed: 'dropped',
    evidence: /^no answer to the INIT within 4 s \(socat: E connecting to AF=2 10\.244\.1\.7:3868: Connection timed out\): packets dropped\. If Hubble says "CT: Unknown L4 protocol", Cilium's SCTP support is off$/,
  },
  {
    what: 'the peer answered the INIT with an ABORT (nothing listens)',
    run: run(1, [OPENING, log('E', 'connect(5, AF=2 10.244.1.7:3868, 16): Connection refused'), KUBECTL_EXIT_1]),
    observed: 'error',
    evidence: /^the peer answered the INIT with an ABORT .*nothing listens on that SCTP port.*not a policy verdict$/,
    refused: true,
  },
  {
    what: 'the name did not resolve (musl)',
    run: run(1, [log('E', 'getaddrinfo("comms.scarif.svc.cluster.local.", "3868", {0x00,2,1,132}, {}): Name does not resolve'), KUBECTL_EXIT_1]),
    observed: 'unresolved',
    evidence: /^the name did not resolve \(socat: E getaddrinfo\(.*\): Name does not resolve\); nothing was sent to the destination\. If DNS did not answer, the client may lack egress to kube-dns/,
  },
  {
    what: 'the name did not resolve (glibc)',
    run: run(1, [log('E', 'getaddrinfo("comms.scarif.svc.cluster.local.", "3868", {0x00,2,1,132}, {}): Name or service not known')]),
    observed: 'unresolved',
    evidence: /^the name did not resolve/,
  },
  {
    // An older socat on a C library that refuses SCTP in getaddrinfo (EAI_SERVICE): no lookup verdict.
    what: 'getaddrinfo refused the socket type, which says nothing about the name',
    run: run(1, [log('E', 'getaddrinfo("comms.scarif.svc.cluster.local.", "3868", {0x00,2,1,132}, {}): Servname not supported for ai_socktype')]),
    observed: 'error',
    evidence: /^the probe did not associate: exit 1: E getaddrinfo\(.*Servname not supported for ai_socktype$/,
  },
  {
    what: 'the kernel has no SCTP (no sctp module on the host)',
    run: run(1, [OPENING, log('E', 'socket(2, 1, 132): Protocol not supported'), log('N', 'exit(1)'), KUBECTL_EXIT_1]),
    observed: 'error',
    evidence: /^this node's kernel has no SCTP \(socat: E socket\(2, 1, 132\): Protocol not supported\): load the sctp module on the host \(sudo modprobe sctp\)/,
  },
  {
    what: 'exit 0 without a transfer loop',
    run: run(0, [OPENING]),
    observed: 'error',
    evidence: /^socat exited 0 without starting its transfer loop \(N opening connection to AF=2 10\.244\.1\.7:3868\)$/,
  },
  {
    what: 'a timeout line but exit 0 (never a drop without socat failing)',
    run: run(0, [OPENING, log('E', 'connecting to AF=2 10.244.1.7:3868: Connection timed out')]),
    observed: 'error',
    evidence: /^socat exited 0 without starting its transfer loop/,
  },
  {
    what: 'no route (an ICMP error, not a silent drop)',
    run: run(1, [OPENING, log('E', 'connect(5, AF=2 10.244.1.7:3868, 16): No route to host')]),
    observed: 'error',
    evidence: /^the probe did not associate: exit 1: E connect\(5, AF=2 10\.244\.1\.7:3868, 16\): No route to host$/,
  },
  {
    what: 'the exec itself hung',
    run: run(undefined, [], {timedOut: true}),
    observed: 'error',
    evidence: /did not finish in time/,
  },
  {
    what: 'interrupted',
    run: run(undefined, [], {canceled: true}),
    observed: 'error',
    evidence: /^interrupted/,
  },
];

describe('SCTP probe command', () => {
  it('is socat, associating with nothing to send, to the absolute name, within 4 s', () => {
    expect(probeInvocation({kind: 'sctp', host: 'comms.scarif.svc.cluster.local', port: 3868})).toEqual({
      argv: ['socat', '-d', '-d', '-u', '/dev/null', 'SCTP-CONNECT:comms.scarif.svc.cluster.local.:3868,connect-timeout=4'],
    });
    // An address, and a name already absolute, stay as they are.
    expect(probeInvocation({kind: 'sctp', host: '10.244.1.7', port: 3868}).argv.at(-1)).toBe('SCTP-CONNECT:10.244.1.7:3868,connect-timeout=4');
    expect(probeInvocation({kind: 'sctp', host: 'comms.scarif.svc.cluster.local.', port: 3868}).argv.at(-1)).toBe('SCTP-CONNECT:comms.scarif.svc.cluster.local.:3868,connect-timeout=4');
  });

  it('refuses a host socat would read as an option or as address syntax, and a port out of range', () => {
    expect(() => probeInvocation({kind: 'sctp', host: '-d', port: 3868})).toThrow('SCTP probe host "-d" is not a name or an IPv4 address socat can take as it is');
    expect(() => probeInvocation({kind: 'sctp', host: 'comms,fork', port: 3868})).toThrow('SCTP probe host "comms,fork"');
    expect(() => probeInvocation({kind: 'sctp', host: 'comms!!x', port: 3868})).toThrow('SCTP probe host "comms!!x"');
    expect(() => probeInvocation({kind: 'sctp', host: 'comms', port: 0})).toThrow('SCTP probe port 0 is not a port number (1-65535)');
    expect(() => probeInvocation({kind: 'sctp', host: 'comms', port: 65536})).toThrow('SCTP probe port 65536 is not a port number (1-65535)');
  });
});

describe('SCTP classifier, against outputs built from socat\'s source (not recorded)', () => {
  for (const c of CASES) {
    it(`${c.what}: ${c.observed}`, () => {
      const result = classify(c.run, 'sctp');
      expect(result.observed).toBe(c.observed);
      expect(result.evidence).toMatch(c.evidence);
      expect(result.refused).toBe(c.refused);
    });
  }

  it('is the classifier the netpol-sctp zx script carries', async () => {
    const scriptClassify = await scriptClassifier(join(ROOT, 'static/zx/netpol-sctp.mjs'));
    for (const c of CASES) expect(scriptClassify(c.run, 'sctp'), c.what).toEqual(classify(c.run, 'sctp'));
  });
});
