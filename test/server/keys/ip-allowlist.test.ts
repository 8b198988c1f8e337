import { describe, expect, it } from 'vitest';
import { createIpAllowlist, isWithinAllowlist } from '../../../src/server/keys/ip-allowlist.ts';

describe('isWithinAllowlist', () => {
  it.each([
    ['10.1.2.3', ['10.0.0.0/8'], true],
    ['10.1.2.0/24', ['10.1.0.0/16'], true],
    ['10.1.0.0/16', ['10.1.0.0/16'], true],
    ['10.1.0.0/16', ['10.1.0.0/24'], false],
    ['10.0.0.0/8', ['10.1.0.0/16'], false],
    ['11.0.0.1', ['10.0.0.0/8'], false],
    ['10.1.2.3', ['10.1.2.3'], true],
    ['10.1.2.3/32', ['10.1.2.3'], true],
    ['10.1.2.4', ['10.1.2.3'], false],
    // Host bits in a range are ignored, as BlockList ignores them.
    ['10.1.2.200/24', ['10.1.2.7/24'], true],
    ['0.0.0.0/0', ['10.0.0.0/8'], false],
    ['192.0.2.1', ['0.0.0.0/0'], true],
    ['10.1.2.3', ['192.0.2.0/24', '10.1.2.0/28'], true],
    ['2001:db8:1:2::/64', ['2001:db8::/32'], true],
    ['2001:db8::/32', ['2001:db8:1::/48'], false],
    ['2001:db8:0:0:0:0:0:1', ['2001:db8::1'], true],
    ['2001:db8::2', ['2001:db8::1'], false],
    ['::1', ['::/0'], true],
    ['::1', ['::1/128'], true],
    ['fe80::1', ['fe80::/10'], true],
    ['fec0::1', ['fe80::/10'], false],
    // IPv4 and IPv4-mapped IPv6 are one address, as createIpAllowlist matches them.
    ['::ffff:10.1.2.3', ['10.1.0.0/16'], true],
    ['10.1.2.3', ['::ffff:10.1.0.0/112'], true],
    ['10.1.2.3', ['::ffff:0:0/96'], true],
    ['10.1.2.3', ['2001:db8::/32'], false],
    ['2001:db8::1', ['10.0.0.0/8'], false],
    ['*', ['10.0.0.0/8'], false],
    ['*', ['*'], true],
    ['10.0.0.0/8', ['*'], true],
    ['nope', ['10.0.0.0/8'], false],
    ['10.0.0.0/33', ['0.0.0.0/0'], false],
    ['10.1.2.3', ['nope'], false],
    ['fe80::1%eth0', ['fe80::/10'], false],
  ])('%s within %j: %s', (entry, entries, expected) => {
    expect(isWithinAllowlist(entry, entries)).toBe(expected);
  });

  it('agrees with the allowlist on every address it reports contained', () => {
    const parents = ['10.1.0.0/16', '2001:db8:1::/48', '::ffff:192.0.2.0/120'];
    const allowlist = createIpAllowlist(parents);
    for (const address of ['10.1.255.255', '2001:db8:1:ffff::9', '192.0.2.9', '::ffff:10.1.0.1']) {
      expect(isWithinAllowlist(address, parents)).toBe(true);
      expect(allowlist.allows(address)).toBe(true);
    }
    for (const address of ['10.2.0.0', '2001:db8:2::1', '192.0.3.1']) {
      expect(isWithinAllowlist(address, parents)).toBe(false);
      expect(allowlist.allows(address)).toBe(false);
    }
  });
});
