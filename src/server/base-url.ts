import type { IncomingMessage } from 'node:http';

/**
 * Where the client of a request reaches this server, for the absolute URLs the API hands out
 * (downloads): HEADROOM_PUBLIC_URL when it is set (a proxy in front, TLS, a path prefix), else
 * http:// and the Host the request named. The browser policy refuses a Host this server does not
 * answer to before any route or operation runs, so a URL built here never points anywhere else.
 */
export function baseUrlOf(publicUrl: string | null, request: IncomingMessage): string {
  return publicUrl ?? `http://${request.headers.host}`;
}
