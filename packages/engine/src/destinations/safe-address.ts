import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

// The SSRF guard of outbound deliveries: which addresses a destination may connect to. Checked
// on the address the socket connects to (a lookup hook), so DNS cannot answer one address to
// the check and another to the connection.

/** Never: link-local (cloud metadata lives there), "this network", multicast, broadcast. */
const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4');
ALWAYS_REFUSED.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS_REFUSED.addSubnet('224.0.0.0', 4, 'ipv4');
ALWAYS_REFUSED.addSubnet('240.0.0.0', 4, 'ipv4');
// Alibaba Cloud's metadata service sits outside link-local.
ALWAYS_REFUSED.addAddress('100.100.100.200', 'ipv4');
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6');
ALWAYS_REFUSED.addSubnet('ff00::', 8, 'ipv6');
ALWAYS_REFUSED.addAddress('::', 'ipv6');
// AWS's IPv6 metadata endpoint.
ALWAYS_REFUSED.addAddress('fd00:ec2::254', 'ipv6');

/** Only with TANDEM_ALLOW_PRIVATE_DESTINATIONS: loopback, private and shared ranges. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE.addSubnet('198.18.0.0', 15, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/** Why an address may not be connected to, or undefined when it may. */
export function addressRefusal(address: string, allowPrivate: boolean): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  let ip = address;
  let type: 'ipv4' | 'ipv6' = family === 4 ? 'ipv4' : 'ipv6';
  // IPv4-mapped IPv6 (::ffff:169.254.169.254) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) {
    ip = mapped[1];
    type = 'ipv4';
  }
  // An IPv6 address that carries an IPv4 one to a gateway (NAT64, 6to4, IPv4-compatible) is
  // judged by the IPv4 address it reaches.
  const carried = type === 'ipv6' ? carriedIpv4(address) : undefined;
  if (carried) {
    ip = carried;
    type = 'ipv4';
  }
  if (ALWAYS_REFUSED.check(ip, type))
    return `${address} is a link-local, metadata or reserved address: destinations may never use it`;
  if (!allowPrivate && PRIVATE.check(ip, type))
    return `${address} is a loopback or private address (allowed only with TANDEM_ALLOW_PRIVATE_DESTINATIONS=true)`;
  return undefined;
}

/**
 * The IPv4 address inside a NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16) or
 * IPv4-compatible (::/96) IPv6 address, or undefined.
 */
export function carriedIpv4(address: string): string | undefined {
  const groups = ipv6Groups(address);
  if (!groups) return undefined;
  const ipv4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (g0 === 0x64 && g1 === 0xff9b && (g2 === 0 || g2 === 1) && g3 === 0 && g4 === 0 && g5 === 0)
    return ipv4(g6, g7);
  if (g0 === 0x2002) return ipv4(g1, g2);
  // IPv4-compatible: all zero but the last 32 bits (:: and ::1 are themselves, judged as IPv6).
  if (g0 + g1 + g2 + g3 + g4 + g5 === 0 && g6 !== 0) return ipv4(g6, g7);
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Groups(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (side: string) => (side === '' ? [] : side.split(':').map((g) => Number.parseInt(g, 16)));
  const before = part(head);
  const after = tail === undefined ? [] : part(tail);
  const zeros = tail === undefined ? 0 : 8 - before.length - after.length;
  return [...before, ...new Array<number>(zeros).fill(0), ...after];
}

/** An error whose message says which address was refused. */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
}

/**
 * A `lookup` for sockets (http.request, net.connect) that resolves, then refuses addresses of
 * the refused ranges: the connection goes to the address that was checked.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error);
      const list = addresses as LookupAddress[];
      for (const { address } of list) {
        const refusal = addressRefusal(address, allowPrivate);
        if (refusal) return callback(new RefusedAddressError(`${hostname} resolves to ${refusal}`));
      }
      const wantsAll = (options as { all?: boolean }).all === true;
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} has no address`));
      if (wantsAll) return callback(null, list);
      return callback(null, first.address, first.family);
    });
  }) as LookupFunction;
}

/** For hosts written as IP literals (no lookup happens for them): the refusal, if any. */
export function literalHostRefusal(hostname: string, allowPrivate: boolean): string | undefined {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return isIP(host) ? addressRefusal(host, allowPrivate) : undefined;
}
