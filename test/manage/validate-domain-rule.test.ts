import { describe, expect, it } from 'vitest';
import { validateDomainRule } from '../../src/manage/validate-domain-rule.ts';
import { parseDomainRule } from '../../src/server/apps/is-origin-allowed.ts';

const valid = [
  '*',
  'example.com',
  'EXAMPLE.com',
  'example.com:8443',
  '*.example.com',
  '*.example.com:443',
  'https://example.com',
  'http://localhost:5173',
  'https://*.example.com',
  '127.0.0.1',
  '[::1]:3000',
  'bücher.example',
  'example.com/',
  ' example.com ',
];
const invalid: [string, string][] = [
  ['https://example.com/guide', 'no path'],
  ['example.com?x=1', 'no path'],
  ['ftp://example.com', 'http:// or https://'],
  ['exa*mple.com', 'wildcard may only lead'],
  ['*example.com', 'wildcard may only lead'],
  ['*.*.example.com', 'wildcard may only lead'],
  ['user@example.com', 'user name'],
  ['exa mple.com', 'no spaces'],
  ['example.com:0', 'port'],
  ['example.com:99999', 'port'],
  ['example.com:abc', 'Not a domain'],
  ['https://', 'Not a domain'],
  ['[::1', 'Not a domain'],
];

describe('validateDomainRule', () => {
  it.each(valid)('accepts %s', (rule) => {
    expect(validateDomainRule(rule)).toBeUndefined();
  });

  it.each(invalid)('refuses %s, saying why', (rule, words) => {
    expect(validateDomainRule(rule)).toContain(words);
  });

  it('asks for a value when empty', () => {
    expect(validateDomainRule('  ')).toMatch(/Enter a domain/);
  });

  it.each([...valid, ...invalid.map(([rule]) => rule)])('agrees with the server on %s', (rule) => {
    expect(validateDomainRule(rule) === undefined).toBe(parseDomainRule(rule) !== undefined);
  });
});
