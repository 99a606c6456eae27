import type express from 'express';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * Which browsers may talk to this server. A web page can open a WebSocket to any address and POST
 * a form anywhere; only the `Origin` header says which page it was. And a page on a name the
 * attacker controls can be made to resolve to 127.0.0.1 (DNS rebinding): only the `Host` header
 * shows that. So every request must name a host this server answers to, and a request from a
 * browser page must come from this server's own origin or from one that was allowed.
 */
export interface BrowserPolicy {
  /** Why a request must be refused, or null when it may go on. */
  refusal(request: { host: string | undefined; origin: string | undefined; method: string }): Refusal | null;
}

export interface Refusal {
  reason: 'HOST_NOT_ALLOWED' | 'ORIGIN_NOT_ALLOWED';
  message: string;
}

export interface BrowserPolicyOptions {
  /** The address the server binds (HOST): a concrete address is a name it answers to. */
  bindHost: string;
  /** HEADROOM_PUBLIC_URL: the address clients use when it is not loopback (a proxy, a DNS name). */
  publicUrl: string | null;
  /** HEADROOM_CORS_ORIGINS: origins of other pages allowed to call the API (scheme://host[:port]). */
  corsOrigins: readonly string[];
}

/** Methods a page can send without a preflight that change nothing here; everything else is checked for its origin. */
const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '']);

export function browserPolicy(options: BrowserPolicyOptions): BrowserPolicy {
  const publicUrl = options.publicUrl ? new URL(options.publicUrl) : null;
  const namedHosts = new Set(['localhost']);
  if (publicUrl) namedHosts.add(publicUrl.hostname.toLowerCase());
  if (!WILDCARD_ADDRESSES.has(options.bindHost)) namedHosts.add(bracketed(options.bindHost.toLowerCase()));
  const allowedOrigins = new Set(options.corsOrigins);
  if (publicUrl) allowedOrigins.add(publicUrl.origin);

  const hostAllowed = (host: string) => {
    const name = hostname(host);
    return name !== null && (namedHosts.has(name) || isLoopbackAddress(name));
  };
  const hostsHint = `use 127.0.0.1 or localhost${publicUrl ? ` or ${publicUrl.host}` : ''}, or set HEADROOM_PUBLIC_URL to the address clients use`;

  return {
    refusal({ host, origin, method }) {
      if (host === undefined || !hostAllowed(host)) {
        return {
          reason: 'HOST_NOT_ALLOWED',
          message: `this server does not answer to the host ${JSON.stringify(host ?? '')}: ${hostsHint}`,
        };
      }
      // No Origin: not a browser page (curl, the CLI, a graphql-ws client in Node).
      if (origin === undefined || READ_ONLY_METHODS.has(method)) return null;
      if (allowedOrigins.has(origin) || isOwnOrigin(origin, host)) return null;
      return originRefusal(origin);
    },
  };
}

/** The refusal of a page's origin, over HTTP, a WebSocket upgrade or a CORS preflight alike. */
export function originRefusal(origin: string): Refusal {
  return {
    reason: 'ORIGIN_NOT_ALLOWED',
    message: `requests from pages on ${origin} are refused: only this server's own pages and the origins in HEADROOM_CORS_ORIGINS may call it (add ${origin} there to allow it)`,
  };
}

/** A page served by this server itself, reached under the same host and port. */
function isOwnOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

/** A Host header: a name or an address (IPv6 in brackets) and an optional port, nothing else. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(:\d{1,5})?$/i;

/** The host name of a Host header, lower-cased, IPv6 in brackets; null when it is not a Host header. */
function hostname(host: string): string | null {
  const match = HOST_HEADER.exec(host);
  return match ? match[1].toLowerCase() : null;
}

function bracketed(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

function isLoopbackAddress(name: string): boolean {
  return name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** Express middleware answering refused requests with 403 and a GraphQL-shaped error. */
export function enforceBrowserPolicy(policy: BrowserPolicy): express.RequestHandler {
  return (req, res, next) => {
    const refusal = policy.refusal(requestOf(req));
    if (!refusal) return next();
    res.status(403).json(refusalBody(refusal));
  };
}

/** A refusal as a GraphQL error response, for HTTP requests and refused WebSocket upgrades alike. */
export function refusalBody(refusal: Refusal) {
  return { errors: [{ message: refusal.message, extensions: { code: 'FORBIDDEN', reason: refusal.reason } }] };
}

/** The parts of a request (HTTP or a WebSocket upgrade, whose method is GET but which changes state) the policy reads. */
export function requestOf(req: IncomingMessage, method = req.method ?? 'GET') {
  return { host: req.headers.host, origin: req.headers.origin, method };
}
