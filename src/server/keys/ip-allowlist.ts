import { BlockList, isIP } from 'node:net';

/** Decides whether a client IP may call; built from `*` or a comma list of IPs and CIDRs. */
export interface IpAllowlist {
  allows(ip: string): boolean;
}

/** Why an IP list was refused, naming the bad entry. */
export class IpAllowlistError extends Error {
  constructor(entry: string) {
    super(`"${entry}" is not an IP address or CIDR range`);
    this.name = 'IpAllowlistError';
  }
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

/** Parses `*`, `1.2.3.4`, `10.0.0.0/8`, `::1` or `2001:db8::/32` entries (throws on others). */
export function createIpAllowlist(entries: readonly string[]): IpAllowlist {
  const list = new BlockList();
  let any = false;
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry === '*') {
      any = true;
      continue;
    }
    const [address = '', prefixText, extra] = entry.split('/');
    const type = family(address);
    if (!type || extra !== undefined) throw new IpAllowlistError(entry);
    if (prefixText === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = Number(prefixText);
    if (!/^\d+$/.test(prefixText) || prefix > (type === 'ipv4' ? 32 : 128)) {
      throw new IpAllowlistError(entry);
    }
    list.addSubnet(address, prefix, type);
  }
  return {
    allows(ip) {
      if (any) return true;
      const type = family(ip);
      // An IPv4 client on a dual-stack socket may still be spelled ::ffff:a.b.c.d.
      if (type === 'ipv6' && ip.startsWith('::ffff:') && family(ip.slice(7)) === 'ipv4') {
        return list.check(ip.slice(7), 'ipv4');
      }
      return type !== undefined && list.check(ip, type);
    },
  };
}

/** Splits a comma list such as `ALLOWED_IPS`. */
export function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** An entry as a range of the IPv6 space (IPv4 as `::ffff:a.b.c.d`, as BlockList matches it). */
interface Range {
  network: bigint;
  prefix: number;
}

function ipv4Bits(address: string): bigint {
  return address.split('.').reduce((bits, part) => (bits << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Bits(address: string): bigint | undefined {
  // A zone (fe80::1%eth0) names an interface, not a range: never contained.
  if (address.includes('%')) return;
  let text = address;
  const dotted = /\d+\.\d+\.\d+\.\d+$/.exec(text);
  if (dotted) {
    const v4 = ipv4Bits(dotted[0]);
    text = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  // isIP has vouched for the shape: at most one `::`, and eight groups without it.
  const [head = '', tail] = text.split('::');
  const groups = (part: string) =>
    part ? part.split(':').map((group) => BigInt(`0x${group}`)) : [];
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = Array<bigint>(8 - left.length - right.length).fill(0n);
  return [...left, ...zeros, ...right].reduce((bits, group) => (bits << 16n) | group, 0n);
}

function toRange(entry: string): Range | undefined {
  const [address = '', prefixText, extra] = entry.trim().split('/');
  const type = family(address);
  if (!type || extra !== undefined) return;
  if (prefixText !== undefined && !/^\d+$/.test(prefixText)) return;
  const width = type === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return;
  const bits = type === 'ipv4' ? ipv4Bits(address) : ipv6Bits(address);
  if (bits === undefined) return;
  const network = type === 'ipv4' ? (0xffffn << 32n) | bits : bits;
  const full = type === 'ipv4' ? prefix + 96 : prefix;
  const hostBits = BigInt(128 - full);
  return { network: (network >> hostBits) << hostBits, prefix: full };
}

/**
 * Whether every address `entry` allows is allowed by one of `entries` (IPs and CIDR ranges,
 * IPv4 and IPv6; `*` contains everything and is contained only by `*`). Malformed entries
 * contain nothing and are contained by nothing.
 */
export function isWithinAllowlist(entry: string, entries: readonly string[]): boolean {
  if (entries.some((parent) => parent.trim() === '*')) return true;
  const child = toRange(entry);
  if (!child) return false;
  return entries.some((text) => {
    const parent = toRange(text);
    if (!parent || parent.prefix > child.prefix) return false;
    const hostBits = BigInt(128 - parent.prefix);
    return child.network >> hostBits === parent.network >> hostBits;
  });
}
