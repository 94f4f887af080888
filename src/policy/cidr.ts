/**
 * IP addresses and CIDRs. Addresses are kept as canonical strings and compared through ipaddr.js;
 * only strict dotted-quad IPv4 and standard IPv6 are accepted (Kubernetes validates ipBlock.cidr
 * with net.ParseCIDR, which refuses shorthand like "10.1").
 */
import ipaddr from 'ipaddr.js';

/** A parsed CIDR. */
export interface Cidr {
  text: string;
  addr: ipaddr.IPv4 | ipaddr.IPv6;
  bits: number;
}

/** Parses an address; undefined when it is not a valid IPv4 or IPv6 address. */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

/** Canonical text of an address (so `10.0.0.01`-style variants cannot sneak past lookups). */
export function canonicalIp(text: string): string | undefined {
  return parseIp(text)?.toString();
}

/** Parses `a.b.c.d/n`; with allowBareIp, a bare address means a single-address prefix. */
export function parseCidr(text: string, allowBareIp = false): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) {
    if (!allowBareIp) return undefined;
    const addr = parseIp(text);
    return addr ? {text, addr, bits: addr.kind() === 'ipv4' ? 32 : 128} : undefined;
  }
  const addr = parseIp(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > (addr.kind() === 'ipv4' ? 32 : 128)) return undefined;
  return {text, addr, bits};
}

/** True when `ip` lies inside `cidr`. */
export function cidrContains(cidr: Cidr, ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (ip.kind() !== cidr.addr.kind()) return false;
  return (ip as ipaddr.IPv4).match(cidr.addr as ipaddr.IPv4, cidr.bits);
}

/** True when `inner` is a subnet of (or equal to) `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.bits >= outer.bits && cidrContains(outer, inner.addr);
}
