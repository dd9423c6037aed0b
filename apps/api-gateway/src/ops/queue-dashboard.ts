import { NextFunction, Request, Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INestApplication, Logger } from '@nestjs/common';
import { AuthService } from '@sid/accounts';
import { PublicError } from '@sid/shared/errors';
import { JobQueue, QueueName } from '@sid/shared/queue';
import { bearerToken } from '../auth/bearer-auth.guard';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'sid_ops_token';
const logger = new Logger('QueueDashboard');

/**
 * The ops dashboard (bull-board) over every queue, for admins only. Open it once with
 * `?access_token=<admin token>`; the token is then kept in an HttpOnly cookie scoped to the
 * dashboard, so its own API calls are authenticated too.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  const queues = app.get(JobQueue);
  createBullBoard({
    queues: Object.values(QueueName).map((name) => new BullMQAdapter(queues.queue(name))),
    serverAdapter,
  });
  const auth = app.get(AuthService);
  const dashboard = serverAdapter.getRouter() as { disable?: (setting: string) => void };
  // bull-board is an Express app of its own, which would announce itself again.
  dashboard.disable?.('x-powered-by');
  app.use(QUEUE_DASHBOARD_PATH, adminsOnly(auth), dashboard);
}

function adminsOnly(auth: AuthService) {
  return (request: Request, response: Response, next: NextFunction) => {
    const fromQuery = typeof request.query.access_token === 'string';
    const token = bearerToken(request) ?? readCookie(request.headers.cookie, COOKIE);
    const deny = (status: number, code: string, message: string) =>
      response.status(status).json({ errors: [{ message, extensions: { code } }] });
    if (!token)
      return deny(401, 'INVALID_CREDENTIALS', 'The queue dashboard needs an admin token.');
    auth
      .authenticate(token)
      .then((actor) => {
        if (!actor.admin) return deny(403, 'FORBIDDEN', 'The queue dashboard is for admins.');
        if (fromQuery) {
          response.cookie(COOKIE, token, {
            httpOnly: true,
            sameSite: 'strict',
            path: QUEUE_DASHBOARD_PATH,
          });
        }
        next();
      })
      .catch((error: unknown) => {
        if (error instanceof PublicError) return deny(error.status, error.code, error.message);
        logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        return deny(500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred.');
      });
  };
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return null;
}
