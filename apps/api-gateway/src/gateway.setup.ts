import { NestExpressApplication } from '@nestjs/platform-express';
import { mountQueueDashboard } from './ops/queue-dashboard';
import { securityHeaders } from './security/security-headers';

/** What main.ts does to the app beyond the module: shared with the tests that boot it in-process. */
export function configureGateway(app: NestExpressApplication): NestExpressApplication {
  // Directus query strings nest: filter[status][_eq]=new, fields[]=id.
  app.set('query parser', 'extended');
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.useBodyParser('json', { limit: '5mb' });
  mountQueueDashboard(app);
  return app;
}
