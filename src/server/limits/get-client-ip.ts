import { isIP } from 'node:net';
import type { Context } from 'hono';

/** The Node request behind a Hono context, as @hono/node-server passes it in `c.env`. */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

function normalize(address: string): string {
  // Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d; one client, one key.
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The client's IP: the socket's remote address; with `trustProxy`, the address the trusted proxy
 * appended last to `X-Forwarded-For` (earlier entries are whatever the client claimed).
 */
export function getClientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last && isIP(last)) return normalize(last);
  }
  const address = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  return address ? normalize(address) : 'unknown';
}
