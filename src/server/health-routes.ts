import express from 'express';
import { allows, Role } from '../auth/roles.js';
import { Authenticate } from './authentication.js';
import { EventLoopMonitor } from './event-loop-monitor.js';

/**
 * `GET /health`: liveness and this process's event-loop delay, for anyone (load balancers, the
 * compose health check). `POST /health/reset` starts a new measurement window (the API load
 * benchmark does before it measures), and only for an admin: anyone else could wipe what an
 * operator is watching. A POST, so the browser policy keeps other sites' pages from it even when
 * keys are off and every local caller is admin.
 */
export function healthRoutes(eventLoop: EventLoopMonitor, authenticate: Authenticate): express.Router {
  const router = express.Router();
  const health = () => ({ status: 'ok', eventLoopDelay: eventLoop.snapshot() });
  router.get('/health', (_req, res) => {
    res.json(health());
  });
  router.post('/health/reset', async (req, res) => {
    const refuse = (status: number, code: string, message: string) => res.status(status).json({ errors: [{ message, extensions: { code } }] });
    let principal;
    try {
      principal = await authenticate(req.headers.authorization);
    } catch (error) {
      return refuse(401, 'UNAUTHENTICATED', (error as Error).message);
    }
    if (!allows(principal.role, Role.ADMIN)) return refuse(403, 'FORBIDDEN', `resetting the health metrics needs the ADMIN role; this API key has ${principal.role}`);
    eventLoop.reset();
    res.json(health());
  });
  return router;
}
