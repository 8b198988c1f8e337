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
