import { isIPv4, isIPv6 } from 'node:net';

// Which IP addresses a webhook may never be sent to: anything that reaches the service's own machine
// or network (loopback, private, link-local such as the 169.254.169.254 cloud metadata service,
// unique-local, unspecified) or that is not a unicast Internet address at all (multicast, reserved,
// documentation ranges). IPv6 forms that embed an IPv4 address are judged by that address.

interface Range {
  bytes: number[];
  bits: number;
  reason: string;
}

const V4_RANGES: Range[] = [
  v4('0.0.0.0', 8, 'an unspecified address'),
  v4('10.0.0.0', 8, 'a private address'),
  v4('100.64.0.0', 10, 'a shared (carrier-grade NAT) address'),
  v4('127.0.0.0', 8, 'a loopback address'),
  v4('169.254.0.0', 16, 'a link-local address'),
  v4('172.16.0.0', 12, 'a private address'),
  v4('192.0.0.0', 24, 'a reserved address'),
  v4('192.0.2.0', 24, 'a documentation address'),
  v4('192.88.99.0', 24, 'a reserved address'),
  v4('192.168.0.0', 16, 'a private address'),
  v4('198.18.0.0', 15, 'a reserved address'),
  v4('198.51.100.0', 24, 'a documentation address'),
  v4('203.0.113.0', 24, 'a documentation address'),
  v4('224.0.0.0', 4, 'a multicast address'),
  v4('240.0.0.0', 4, 'a reserved address'),
];

const V6_RANGES: Range[] = [
  v6('::', 128, 'an unspecified address'),
  v6('::1', 128, 'a loopback address'),
  v6('100::', 64, 'a reserved address'),
  v6('2001:db8::', 32, 'a documentation address'),
  v6('fc00::', 7, 'a unique-local address'),
  v6('fe80::', 10, 'a link-local address'),
  v6('fec0::', 10, 'a site-local address'),
  v6('ff00::', 8, 'a multicast address'),
];

/** IPv6 prefixes whose address carries an IPv4 address, and the byte where it starts. */
const EMBEDDED_V4: { prefix: Range; offset: number }[] = [
  { prefix: v6('::ffff:0:0', 96, 'IPv4-mapped'), offset: 12 },
  { prefix: v6('::', 96, 'IPv4-compatible'), offset: 12 },
  { prefix: v6('64:ff9b::', 96, 'NAT64'), offset: 12 },
  { prefix: v6('2002::', 16, '6to4'), offset: 2 },
];

/**
 * Why a webhook may not be sent to this IP address (`"a loopback address"`), or null when it is a
 * public unicast address. Anything that is not an IP address at all is refused too.
 */
export function refusedAddressReason(address: string): string | null {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(ip)) return reasonV4(parseV4(ip));
  if (!isIPv6(ip)) return 'not an IP address';
  const bytes = parseV6(ip);
  // The unspecified and loopback addresses sit inside the IPv4-compatible prefix: judge them first.
  for (const range of V6_RANGES.slice(0, 2)) if (inRange(bytes, range)) return range.reason;
  for (const { prefix, offset } of EMBEDDED_V4) {
    if (inRange(bytes, prefix)) return reasonV4(bytes.slice(offset, offset + 4));
  }
  for (const range of V6_RANGES) if (inRange(bytes, range)) return range.reason;
  return null;
}

function reasonV4(bytes: number[]): string | null {
  if (bytes.every((b) => b === 255)) return 'a broadcast address';
  for (const range of V4_RANGES) if (inRange(bytes, range)) return range.reason;
  return null;
}

function inRange(bytes: number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
}

function parseV4(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** The 16 bytes of a valid IPv6 address (`::` expanded; a trailing dotted IPv4 part read as two groups). */
function parseV6(ip: string): number[] {
  const text = ip.toLowerCase().replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a, b, c, d) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const [head, tail] = text.includes('::') ? text.split('::') : [text, ''];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const bytes: number[] = [];
  for (const group of [...headGroups, ...zeros, ...tailGroups]) {
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}

function v4(address: string, bits: number, reason: string): Range {
  return { bytes: parseV4(address), bits, reason };
}

function v6(address: string, bits: number, reason: string): Range {
  return { bytes: parseV6(address), bits, reason };
}
