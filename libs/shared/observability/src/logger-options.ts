import { IncomingMessage } from 'node:http';
import type { Options } from 'pino-http';
import { AppConfig } from '@sid/shared/config';
import { acceptRequestId, currentRequestId } from './request-context';

/** Where secrets can appear in a log line; pino replaces them with "[Redacted]". */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.query.access_token',
  'res.headers["set-cookie"]',
  'password',
  'token',
  'secret',
  '*.password',
  '*.token',
  '*.secret',
  '*.access_token',
];

/** `access_token=...` in a URL (the queue dashboard's first visit) is cut out of logged URLs. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&](?:access_token|token|secret)=)[^&]*/gi, '$1[Redacted]');
}

export function loggerOptions(config: AppConfig): Options {
  return {
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    // The gateway's middleware has chosen the id (X-Request-Id or a new one) before pino-http runs.
    genReqId: (req: IncomingMessage & { id?: unknown }) =>
      typeof req.id === 'string' ? req.id : acceptRequestId(req.headers['x-request-id']),
    customProps: () => ({}),
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    serializers: {
      req: (req: { url?: string }) => {
        req.url = redactUrl(req.url);
        return req;
      },
    },
    ...(config.NODE_ENV === 'development'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
}
