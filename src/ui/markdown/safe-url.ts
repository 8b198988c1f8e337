/**
 * The URL to put in an `href`, or undefined unless it is absolute `http:`, `https:` or
 * `mailto:`. Parsing with `URL` (as the browser will) defeats case, whitespace and control
 * character tricks; relative URLs are refused, since the widget has no base of its own.
 */
export function safeUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return /^(https?|mailto):$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}
