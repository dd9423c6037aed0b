import { createServer, Server } from 'node:http';
import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { metricsText } from '@sid/shared/observability';
import { JobQueue } from './job-queue.service';
import { QueueName } from './queue-names';

/**
 * Starts a worker app: a Nest application context (no HTTP API), graceful shutdown on
 * SIGTERM/SIGINT (workers stop taking jobs and finish the running ones), and when HEALTH_PORT is set a `/health` endpoint for Kubernetes probes that
 * answers 200 only while PostgreSQL and Redis both answer, and `/metrics` (Prometheus text) for
 * the cluster's scraper. The module must import LoggingModule: its logs go through pino.
 */
export async function bootstrapWorker(
  module: Type<unknown>,
  name: string,
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const config = app.get(AppConfig);
  let server: Server | undefined;
  if (config.HEALTH_PORT > 0) {
    const db = app.get<DataSource>(getDataSourceToken());
    const queue = app.get(JobQueue).queue(QueueName.IdentifierGeneration);
    server = createServer((req, res) => {
      if (req.url === '/metrics') {
        metricsText().then(
          ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
          (error: unknown) => res.writeHead(500).end(String(error)),
        );
        return;
      }
      if (req.url !== '/health') {
        res.writeHead(404).end();
        return;
      }
      Promise.all([
        db.query('SELECT 1'),
        queue.client.then((redis) => (redis as unknown as { ping(): Promise<string> }).ping()),
      ])
        .then(() =>
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'),
        )
        .catch((error: unknown) =>
          res
            .writeHead(503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: 'error', error: String(error) })),
        );
    }).listen(config.HEALTH_PORT);
  }
  const stop = async () => {
    server?.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await app.init();
  // Printed whatever LOG_LEVEL says: scripts and tests wait for this line.
  process.stdout.write(`${name} started (pid ${process.pid})\n`);
  return app;
}
