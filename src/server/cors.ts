import type express from 'express';
import { originRefusal, refusalBody } from './browser-origins.js';

/** What a page may send: the key, JSON bodies, and the headers Apollo's CSRF prevention accepts as proof of a preflight. */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Apollo-Require-Preflight', 'X-Apollo-Operation-Name'];
const ALLOWED_METHODS = ['GET', 'HEAD', 'POST'];
/** What a page may read of an answer besides the CORS-safelisted headers: a download's file name and size. */
const EXPOSED_HEADERS = ['Content-Disposition', 'Content-Length'];
/** How long a browser may reuse a preflight's answer; Chromium caps it at 2 hours anyway. */
const MAX_AGE_SECONDS = 600;

/**
 * CORS for the origins in HEADROOM_CORS_ORIGINS: a frontend served from one of them (a dev server on
 * http://localhost:5173) may call every route, with an `Authorization` header, and read the answers.
 * Pages of any other origin get no CORS headers, so their browser hides every answer from them, and
 * their preflights are refused with 403; what they send without a preflight is refused by the
 * browser policy before it reaches a route. The server's own pages are same-origin and need none of
 * this. No credentials (cookies) are allowed: the API's key travels in a header a page must set itself.
 */
export function crossOriginResourceSharing(corsOrigins: readonly string[]): express.RequestHandler {
  const allowed = new Set(corsOrigins);
  return (req, res, next) => {
    // The answer depends on the Origin header, so a cache must not hand one page's answer to another.
    res.vary('Origin');
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined;
    if (origin === undefined || !allowed.has(origin)) {
      if (preflight) res.status(403).json(refusalBody(originRefusal(origin)));
      else next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (!preflight) {
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
      return next();
    }
    res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS.join(', '));
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS.join(', '));
    res.setHeader('Access-Control-Max-Age', String(MAX_AGE_SECONDS));
    res.status(204).end();
  };
}
