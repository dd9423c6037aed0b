import { randomBytes } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { BootstrapService } from '@sid/catalog';
import { runMigrations } from '@sid/shared/database';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { AppModule } from '../app.module';
import { configureGateway } from '../gateway.setup';

export interface GatewayTestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  adminToken: string;
  close(): Promise<void>;
}

/**
 * The real gateway module in-process, on a fresh migrated database and its own queue prefix, with
 * an admin. Use with supertest: `request(app.getHttpServer())`.
 */
export async function createGatewayTestApp(
  label: string,
  env: Record<string, string> = {},
): Promise<GatewayTestApp> {
  const db = await createTestDatabase(label);
  await runMigrations(db.url);
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    QUEUE_PREFIX: `test-${label}-${randomBytes(4).toString('hex')}`,
    LINK_DOMAIN: 'id.test.example',
    LOG_LEVEL: 'error',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = configureGateway(
    moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false }),
  );
  await app.init();
  await app
    .get(BootstrapService)
    .ensureAdmin({ email: 'admin@example.com', token: adminToken, linkDomain: 'id.test.example' });
  return {
    app,
    db,
    adminToken,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
