/**
 * Small pieces every probe kind shares: how a Service name is made absolute, how a tool's "name did
 * not resolve" reads, and how evidence is kept to one line.
 */

/**
 * A Service's fully qualified name, `<service>.<namespace>.svc.<cluster-domain>` (Kubernetes DNS
 * specification, kubernetes/dns docs/specification.md, "A/AAAA Records"), without the root dot.
 */
export const SERVICE_FQDN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\.svc\.[a-z0-9.-]*[a-z0-9]$/;

/**
 * A host as a probe tool should look it up: a Service's fully qualified name gets the root dot, so
 * the pod's search list (ndots:5) is not tried first (see absoluteServiceUrl); anything else (an
 * address, a short name, a name already absolute) is left as written.
 */
export function absoluteHost(host: string): string {
  return SERVICE_FQDN.test(host) ? `${host}.` : host;
}

/**
 * What gai_strerror() says when getaddrinfo() could not turn a name into an address, in the two C
 * libraries our tools meet: glibc (Debian, where the tests run: sysdeps/posix/gai_strerror-strs.h)
 * and musl (Alpine, the client image: src/network/gai_strerror.c). Both cover "no such name"
 * (EAI_NONAME), "the resolver did not answer in time" (EAI_AGAIN), "the resolver failed" (EAI_FAIL)
 * and "no address of that family" (EAI_NODATA). nc and ping print these after the host.
 */
export const NAME_NOT_RESOLVED = [
  // glibc
  'Name or service not known',
  'Temporary failure in name resolution',
  'Non-recoverable failure in name resolution',
  'No address associated with hostname',
  // musl
  'Name does not resolve',
  'Try again',
  'Non-recoverable error',
  'Name has no usable address',
] as const;

/** The gai_strerror() message in a tool's output line, if the line carries one. */
export function resolutionFailure(line: string): string | undefined {
  return NAME_NOT_RESOLVED.find((message) => line.endsWith(`: ${message}`));
}

/** The hint every "did not resolve" evidence carries: the usual cause in a lab. */
export const KUBE_DNS_HINT =
  'the client may lack egress to kube-dns (UDP/TCP 53 to kube-system/kube-dns): a policy selecting it must allow DNS';

/** The last non-empty line of a tool's output. */
export function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

/** Lines of a tool's stderr without the line kubectl exec adds ("command terminated with exit code N"). */
export function toolLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^command terminated with exit code \d+$/.test(l));
}

/** The last line of a tool's own output (without kubectl's "command terminated" line). */
export function lastToolLine(text: string): string {
  return toolLines(text).at(-1) ?? '';
}

/** Text on one line, cut to a length a table cell can show. */
export function oneLine(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
