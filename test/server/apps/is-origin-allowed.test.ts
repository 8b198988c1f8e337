import { describe, expect, it } from 'vitest';
import { isOriginAllowed, parseDomainRule } from '../../../src/server/index.ts';

// [origin, allowedDomains, expected]
const cases: [string | null | undefined, string[], boolean][] = [
  // bare host: any scheme, any port
  ['https://example.com', ['example.com'], true],
  ['http://example.com', ['example.com'], true],
  ['http://example.com:8080', ['example.com'], true],
  ['https://EXAMPLE.com', ['example.com'], true],
  ['https://example.com', ['EXAMPLE.COM'], true],
  ['https://www.example.com', ['example.com'], false],
  ['https://evilexample.com', ['example.com'], false],
  ['https://example.com.evil.net', ['example.com'], false],
  ['https://example.co', ['example.com'], false],
  ['https://xample.com', ['example.com'], false],
  ['https://example.com.', ['example.com'], false],
  // wildcard subdomains
  ['https://example.com', ['*.example.com'], true],
  ['https://docs.example.com', ['*.example.com'], true],
  ['https://a.b.example.com', ['*.example.com'], true],
  ['https://evilexample.com', ['*.example.com'], false],
  ['https://example.com.evil.net', ['*.example.com'], false],
  ['https://docs.example.com.evil.net', ['*.example.com'], false],
  ['https://notexample.com', ['*.example.com'], false],
  ['https://docs.example.com:4443', ['*.example.com'], true],
  // ports
  ['https://example.com:8443', ['example.com:8443'], true],
  ['https://example.com', ['example.com:8443'], false],
  ['https://example.com:443', ['example.com:443'], true],
  ['https://example.com', ['example.com:443'], true],
  ['http://example.com', ['example.com:443'], false],
  ['https://docs.example.com:8443', ['*.example.com:8443'], true],
  ['https://docs.example.com:9443', ['*.example.com:8443'], false],
  // schemes
  ['https://example.com', ['https://example.com'], true],
  ['http://example.com', ['https://example.com'], false],
  ['https://example.com:8443', ['https://example.com:8443'], true],
  ['http://example.com:8443', ['https://example.com:8443'], false],
  ['https://docs.example.com', ['https://*.example.com'], true],
  ['http://docs.example.com', ['https://*.example.com'], false],
  // everything
  ['https://anything.test', ['*'], true],
  ['http://127.0.0.1:5173', ['*'], true],
  // missing, null, malformed
  [null, ['*'], false],
  [undefined, ['example.com'], false],
  ['', ['*'], false],
  ['null', ['*'], false],
  ['null', ['example.com'], false],
  ['example.com', ['example.com'], false],
  ['//example.com', ['example.com'], false],
  ['not a url', ['*'], false],
  ['file:///etc/passwd', ['*'], false],
  ['javascript:alert(1)', ['*'], false],
  ['ftp://example.com', ['example.com'], false],
  // userinfo, paths and other tricks
  ['https://example.com@evil.net', ['example.com'], false],
  ['https://evil.net@example.com', ['example.com'], false],
  ['https://user:pass@example.com', ['example.com'], false],
  ['https://example.com/path', ['example.com'], false],
  ['https://example.com/', ['example.com'], false],
  ['https://example.com?x=1', ['example.com'], false],
  ['https://example.com#frag', ['example.com'], false],
  ['https://evil.net\\@example.com', ['example.com'], false],
  ['https://evil.net%2Fexample.com', ['example.com'], false],
  // IDN: URL applies IDNA on both sides
  ['https://xn--bcher-kva.example', ['bücher.example'], true],
  ['https://bücher.example', ['bücher.example'], true],
  ['https://bücher.example', ['xn--bcher-kva.example'], true],
  ['https://bucher.example', ['bücher.example'], false],
  ['https://xn--exmple-cua.com', ['example.com'], false],
  // local development
  ['http://localhost:5173', ['localhost', '127.0.0.1'], true],
  ['http://127.0.0.1:3000', ['localhost', '127.0.0.1'], true],
  ['http://127.0.0.2:3000', ['localhost', '127.0.0.1'], false],
  ['http://localhost.evil.net', ['localhost'], false],
  ['http://[::1]:5173', ['[::1]'], true],
  ['http://[::2]:5173', ['[::1]'], false],
  ['http://2130706433', ['127.0.0.1'], true],
  // empty list and several rules
  ['https://example.com', [], false],
  ['https://b.test', ['a.test', 'b.test'], true],
];

describe('isOriginAllowed', () => {
  it('has a table of at least 40 origins', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s against %j → %s', (origin, rules, expected) => {
    expect(isOriginAllowed(origin, rules)).toBe(expected);
  });
});

describe('parseDomainRule', () => {
  it.each([
    ['*', true],
    ['example.com', true],
    ['*.example.com', true],
    ['example.com:8443', true],
    ['https://example.com', true],
    ['https://example.com/', true],
    ['[::1]', true],
    ['', false],
    ['*example.com', false],
    ['ex*ample.com', false],
    ['example.com:99999', false],
    ['example.com/path', false],
    ['ftp://example.com', false],
    ['user@example.com', false],
    ['exa mple.com', false],
  ])('%j → valid %s', (rule, valid) => {
    expect(parseDomainRule(rule) !== undefined).toBe(valid);
  });
});
