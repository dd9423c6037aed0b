import { NestExpressApplication } from '@nestjs/platform-express';
import { requestContextAfterBody, requestIdAndMetrics } from '@sid/shared/observability';
import { mountQueueDashboard } from './ops/queue-dashboard';

/** What main.ts does to the app beyond the module: shared with the tests that boot it in-process. */
export function configureGateway(app: NestExpressApplication): NestExpressApplication {
  // Directus query strings nest: filter[status][_eq]=new, fields[]=id.
  app.set('query parser', 'extended');
  // Request id (X-Request-Id, in the response, logs and enqueued jobs) and the HTTP histogram.
  app.use(requestIdAndMetrics);
  app.useBodyParser('json', { limit: '5mb' });
  app.use(requestContextAfterBody);
  mountQueueDashboard(app);
  return app;
}
