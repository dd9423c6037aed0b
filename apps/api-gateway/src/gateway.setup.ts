import { NestExpressApplication } from '@nestjs/platform-express';
import { requestContextAfterBody, requestIdAndMetrics } from '@sid/shared/observability';
import { mountQueueDashboard } from './ops/queue-dashboard';
import { mountApiDocs } from './openapi/api-docs';
import { AppConfig } from '@sid/shared/config';
import { rateLimitRequests } from './security/rate-limit.middleware';
import { RateLimits } from './security/rate-limits.service';
import { securityHeaders } from './security/security-headers';

/** What main.ts does to the app beyond the module: shared with the tests that boot it in-process. */
export function configureGateway(app: NestExpressApplication): NestExpressApplication {
  // Directus query strings nest: filter[status][_eq]=new, fields[]=id.
  app.set('query parser', 'extended');
  // Request id (X-Request-Id, in the response, logs and enqueued jobs) and the HTTP histogram.
  app.use(requestIdAndMetrics);
  app.disable('x-powered-by');
  app.use(securityHeaders);
  const trustProxy = app.get(AppConfig).TRUST_PROXY;
  if (trustProxy) app.set('trust proxy', trustProxyValue(trustProxy));
  app.use(rateLimitRequests(app.get(RateLimits)));
  app.useBodyParser('json', { limit: '5mb' });
  app.use(requestContextAfterBody);
  mountQueueDashboard(app);
  mountApiDocs(app);
  return app;
}

/** TRUST_PROXY as Express takes it: `true`, a hop count, or a list of addresses and subnets. */
function trustProxyValue(setting: string): boolean | number | string {
  if (setting === 'true') return true;
  return /^\d+$/.test(setting) ? Number(setting) : setting;
}
