import { NextFunction, Request, Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INestApplication, Logger } from '@nestjs/common';
import { AuthService } from '@sid/accounts';
import { PublicError } from '@sid/shared/errors';
import { JobQueue, QueueName } from '@sid/shared/queue';
import { bearerToken } from '../auth/bearer-auth.guard';
import { readCookie as readSessionCookie, SESSION_COOKIE } from '../auth/session-cookies';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'sid_ops_token';
const logger = new Logger('QueueDashboard');

/**
 * The ops dashboard (bull-board) over every queue, for admins only. An admin signs in with
 * `POST /auth/login` in `session` mode: the browser then holds the httpOnly, SameSite=Strict
 * session cookie, which the dashboard and its own API calls read. (Opening it once with
 * `?access_token=<admin token>` still works: that token is then kept in a cookie of its own.)
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
  // The sign-in page's script is a file of its own: the dashboard's CSP runs no inline script.
  app.use(SIGN_IN_SCRIPT_PATH, (request: Request, response: Response) => {
    response.type('text/javascript').send(SIGN_IN_SCRIPT);
  });
  app.use(QUEUE_DASHBOARD_PATH, adminsOnly(auth), dashboard);
}

function adminsOnly(auth: AuthService) {
  return (request: Request, response: Response, next: NextFunction) => {
    const fromQuery = typeof request.query.access_token === 'string';
    const token =
      bearerToken(request) ??
      readSessionCookie(request, SESSION_COOKIE) ??
      readCookie(request.headers.cookie, COOKIE);
    const deny = (status: number, code: string, message: string) =>
      response.status(status).json({ errors: [{ message, extensions: { code } }] });
    if (!token) {
      // A browser gets a sign-in form that logs in in session mode and comes back.
      if (request.accepts(['json', 'html']) === 'html') {
        return response.status(401).type('html').send(SIGN_IN_PAGE);
      }
      return deny(401, 'INVALID_CREDENTIALS', 'The queue dashboard needs an admin token.');
    }
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

export const SIGN_IN_SCRIPT_PATH = `${QUEUE_DASHBOARD_PATH}/sign-in.js`;

/** POST /auth/login in session mode from the browser: the session cookie then opens the dashboard. */
const SIGN_IN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Queues: sign in</title></head>
<body style="font-family:sans-serif;max-width:22rem;margin:4rem auto">
<h1>Queue dashboard</h1>
<form id="f"><p><input name="email" type="email" placeholder="email" required autofocus></p>
<p><input name="password" type="password" placeholder="password" required></p>
<p><button>Sign in</button> <span id="e" role="alert"></span></p></form>
<script src="${SIGN_IN_SCRIPT_PATH}"></script></body></html>`;

const SIGN_IN_SCRIPT = `document.getElementById('f').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const answer = await fetch('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: form.get('email'), password: form.get('password'), mode: 'session' }),
  });
  if (answer.ok) location.reload();
  else document.getElementById('e').textContent = 'Invalid user credentials.';
});
`;
