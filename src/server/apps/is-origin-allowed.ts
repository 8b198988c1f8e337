/** One parsed entry of an app's `allowedDomains`. */
export interface DomainRule {
  /** `*`: every origin. */
  any: boolean;
  /** `http` or `https` when the rule pins the scheme. */
  scheme?: string;
  /** Lower-case, IDNA-normalized host (brackets kept for IPv6). */
  host: string;
  /** `*.host`: the apex and every subdomain. */
  subdomains: boolean;
  /** The port when the rule pins it. */
  port?: number;
}

const schemePattern = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/;
const authorityPattern = /^(\[[0-9A-Fa-f:.]+\]|[^:/?#@\s[\]]+)(?::(\d{1,5}))?\/?$/;

function normalizeHost(host: string): string | undefined {
  try {
    const url = new URL(`http://${host}`);
    // Anything URL moved into path, userinfo or port means the input was not a bare host.
    if (url.username || url.password || url.port || url.pathname !== '/' || url.search) return;
    return url.hostname || undefined;
  } catch {
    return;
  }
}

// Rules are few and checked on every request: parse each distinct text once.
const parsedRules = new Map<string, DomainRule | undefined>();

function cachedRule(text: string): DomainRule | undefined {
  if (parsedRules.has(text)) return parsedRules.get(text);
  const rule = parseDomainRule(text);
  if (parsedRules.size >= 10_000) parsedRules.clear();
  parsedRules.set(text, rule);
  return rule;
}

/** Parses a domain rule (`*`, `example.com`, `*.example.com:8443`, `https://example.com`). */
export function parseDomainRule(rule: string): DomainRule | undefined {
  const trimmed = rule.trim();
  if (trimmed === '*') return { any: true, host: '', subdomains: false };
  let rest = trimmed;
  let scheme: string | undefined;
  const withScheme = schemePattern.exec(trimmed);
  if (withScheme) {
    scheme = withScheme[1]?.toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') return;
    rest = withScheme[2] ?? '';
  }
  const subdomains = rest.startsWith('*.');
  if (subdomains) rest = rest.slice(2);
  const authority = authorityPattern.exec(rest);
  if (!authority?.[1]) return;
  const host = normalizeHost(authority[1]);
  if (!host || host.includes('*')) return;
  const domainRule: DomainRule = { any: false, host, subdomains };
  if (scheme) domainRule.scheme = scheme;
  if (authority[2] !== undefined) {
    const port = Number(authority[2]);
    if (port < 1 || port > 65535) return;
    domainRule.port = port;
  }
  return domainRule;
}

/** The parsed `Origin` header, or undefined when it is missing, `null` or not an origin. */
export function parseOrigin(
  origin: string | null | undefined,
): { scheme: string; host: string; port: number } | undefined {
  if (!origin || origin === 'null' || origin.length > 2048) return;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
  // An Origin header is scheme://host[:port]; userinfo, a path or a query is a forgery.
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return;
  if (origin.includes('@') || origin.endsWith('/')) return;
  const scheme = url.protocol.slice(0, -1);
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
  return { scheme, host: url.hostname, port };
}

/**
 * Whether a request's `Origin` is on an app's allowlist. Both sides are parsed as URLs (never
 * compared as substrings): `example.com` matches that host on any port and scheme,
 * `example.com:8443` pins the port, `https://example.com` pins the scheme, `*.example.com` also
 * matches every subdomain, and `*` matches every http(s) origin. A missing or `null` origin never
 * matches.
 */
export function isOriginAllowed(
  origin: string | null | undefined,
  allowedDomains: readonly string[],
): boolean {
  const parsed = parseOrigin(origin);
  if (!parsed) return false;
  return allowedDomains.some((text) => {
    const rule = cachedRule(text);
    if (!rule) return false;
    if (rule.any) return true;
    if (rule.scheme && rule.scheme !== parsed.scheme) return false;
    if (rule.port !== undefined && rule.port !== parsed.port) return false;
    if (parsed.host === rule.host) return true;
    return rule.subdomains && parsed.host.endsWith(`.${rule.host}`);
  });
}
