const schemePattern = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/;
const authorityPattern = /^(\[[0-9A-Fa-f:.]+\]|[^:/?#@\s[\]]+)(?::(\d{1,5}))?\/?$/;

function isHost(text: string): boolean {
  try {
    const url = new URL(`http://${text}`);
    // Anything URL moved into userinfo, port or path means the text was not a bare host.
    return (
      !url.username &&
      !url.password &&
      !url.port &&
      url.pathname === '/' &&
      !url.search &&
      url.hostname !== '' &&
      !url.hostname.includes('*')
    );
  } catch {
    return false;
  }
}

/**
 * Checks one allowed-domain pattern against the Run API's rules (`*`, `example.com`,
 * `example.com:8443`, `*.example.com`, `https://example.com`); returns what is wrong, or
 * undefined when the server will accept it.
 */
export function validateDomainRule(text: string): string | undefined {
  const rule = text.trim();
  if (!rule) return 'Enter a domain, or remove this entry.';
  if (rule === '*') return;
  let rest = rule;
  const withScheme = schemePattern.exec(rule);
  if (withScheme) {
    const scheme = withScheme[1]?.toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') return 'Only http:// or https:// may lead.';
    rest = withScheme[2] ?? '';
  }
  if (rest.startsWith('*.')) rest = rest.slice(2);
  if (rest.includes('*')) return 'A wildcard may only lead, as in *.example.com.';
  if (rest.includes('@')) return 'A domain has no user name (@).';
  if (/[/?#]./.test(rest)) return 'A domain has no path, query or fragment.';
  if (/\s/.test(rest)) return 'A domain has no spaces.';
  const authority = authorityPattern.exec(rest);
  if (!authority?.[1] || !isHost(authority[1])) {
    return 'Not a domain. Use example.com, *.example.com, example.com:8443 or https://example.com.';
  }
  if (authority[2] !== undefined) {
    const port = Number(authority[2]);
    if (port < 1 || port > 65535) return 'The port must be from 1 to 65535.';
  }
  return;
}
