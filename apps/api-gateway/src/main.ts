import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { BootstrapService } from '@sid/catalog';
import { Logger } from 'nestjs-pino';
import { AppConfig, loadConfig } from '@sid/shared/config';
import { joinClusterMetrics } from '@sid/shared/observability';
import { AppModule } from './app.module';
import { configureGateway } from './gateway.setup';
import { isGatewayPrimary, runGatewayCluster } from './gateway-cluster';

async function bootstrap(): Promise<void> {
  joinClusterMetrics(); // a cluster worker's metrics count in every scrape; alone, nothing to do
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  configureGateway(app);
  app.enableShutdownHooks();
  const config = app.get(AppConfig);
  if (config.ADMIN_EMAIL && config.ADMIN_TOKEN) {
    await app.get(BootstrapService).ensureAdmin({
      email: config.ADMIN_EMAIL,
      token: config.ADMIN_TOKEN,
      linkDomain: config.LINK_DOMAIN,
    });
  }
  await app.listen(config.PORT);
  // Printed whatever LOG_LEVEL says: scripts and tests wait for this line.
  process.stdout.write(
    `api-gateway listening on http://localhost:${config.PORT} (pid ${process.pid})\n`,
  );
}

const workers = loadConfig().GATEWAY_WORKERS;
if (isGatewayPrimary(workers)) {
  runGatewayCluster(workers);
} else {
  bootstrap().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
