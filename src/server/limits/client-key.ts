import { isIP } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(address: string): string[] | undefined {
  let text = address.split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const bytes = dotted[1].split('.').map(Number);
    const high = (((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0)).toString(16);
    const low = (((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)).toString(16);
    text = `${text.slice(0, -dotted[1].length)}${high}:${low}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 0) return;
  return [...left, ...Array(Math.max(0, missing)).fill('0'), ...right].map((group) =>
    Number.parseInt(group || '0', 16).toString(16),
  );
}

/**
 * The key a client's per-IP budgets count under: an IPv4 address as it is, an IPv6 address by
 * its /64 network (one subscriber's allocation, so rotating addresses inside it gains nothing).
 * @example clientKey('2001:db8:1:2:aaaa::1') === '2001:db8:1:2::/64'
 */
export function clientKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const groups = ipv6Groups(ip);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}
