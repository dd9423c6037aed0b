import { randomBytes } from 'node:crypto';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ACCOUNT_COLLECTION, USERS_COLLECTION } from '@sid/accounts';
import { DOMAIN_COLLECTION, ORGANISATION_COLLECTION, PRODUCT_COLLECTION } from '@sid/catalog';
import {
  CODE_POOL_COLLECTION,
  CodesModule,
  IDENTIFIER_JOB_COLLECTION,
  UNIQUE_CODE_COLLECTION,
} from '@sid/codes';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule, runMigrations } from '@sid/shared/database';
import { Actor, CollectionRegistry } from '@sid/shared/items';
import { JobQueue, QueueModule, QueueName } from '@sid/shared/queue';
// Test-only dependency: every integration suite creates its database with the shared testing lib.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { CODE_RESERVATION_COLLECTION } from '../reservations.collections';
import { ReservationsModule } from '../reservations.module';

/**
 * Test data for the reservation suites: one database, the codes and reservations modules wired
 * as a worker wires them (real PostgreSQL and Redis, nobody consuming the queues), an account
 * with a domain, an organisation and two products.
 */

export const HOST = 'id.brand.test';
export const GTIN = '09506000134352';
export const PRODUCT = `/01/${GTIN}`;
export const OTHER_GTIN = withCheck('0950600013436');
export const OTHER_PRODUCT = `/01/${OTHER_GTIN}`;
export const ORGANISATION = `/417/${withCheck('950600000000')}`;
export const BATCH = 500;

/** GS1 mod-10 check digit, written again here so the tests do not trust the code under test. */
export function withCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++)
    sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return body + ((10 - (sum % 10)) % 10);
}

/**
 * The collections the gateway serves, for reading through the item API's compiler. `file` is
 * the exports lib's (which this lib may not import): a stand-in with its key is enough here.
 */
export const REGISTRY = new CollectionRegistry([
  ACCOUNT_COLLECTION,
  USERS_COLLECTION,
  ORGANISATION_COLLECTION,
  DOMAIN_COLLECTION,
  PRODUCT_COLLECTION,
  IDENTIFIER_JOB_COLLECTION,
  UNIQUE_CODE_COLLECTION,
  CODE_POOL_COLLECTION,
  CODE_RESERVATION_COLLECTION,
  { name: 'file', table: 'file', primaryKey: 'id', fields: { id: { type: 'uuid' } } },
]);

export interface ReservationSuite {
  database: TestDatabase;
  moduleRef: TestingModule;
  db: DataSource;
  actor: Actor;
  close(): Promise<void>;
}

export async function startReservationSuite(label: string): Promise<ReservationSuite> {
  const database = await createTestDatabase(label);
  await runMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  process.env.QUEUE_PREFIX = `test-${randomBytes(6).toString('hex')}`;
  process.env.RESERVATION_BATCH_SIZE = String(BATCH);
  process.env.GENERATOR_CHUNK_SIZE = String(BATCH);
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule, DatabaseModule, QueueModule.forRoot(), CodesModule, ReservationsModule],
  }).compile();
  await moduleRef.init();
  const db = moduleRef.get(DataSource);
  const actor = await seedAccount(db, 'Brand', HOST);
  await db.query(
    `INSERT INTO organisation (id, account, name, gs1_company_prefix) VALUES ($1, $2, 'Factory', '9506000')`,
    [ORGANISATION, actor.accountId],
  );
  await db.query(`INSERT INTO product (id, gtin, account) VALUES ($1, $2, $5), ($3, $4, $5)`, [
    PRODUCT,
    GTIN,
    OTHER_PRODUCT,
    OTHER_GTIN,
    actor.accountId,
  ]);
  return {
    database,
    moduleRef,
    db,
    actor,
    close: async () => {
      const queues = moduleRef.get(JobQueue);
      for (const name of Object.values(QueueName))
        await queues.queue(name).obliterate({ force: true });
      await moduleRef.close();
      await database.drop();
    },
  };
}

/** An account with one user and its default link domain. */
export async function seedAccount(db: DataSource, name: string, host: string): Promise<Actor> {
  const [{ id: accountId }] = await db.query(
    `INSERT INTO account (name) VALUES ($1) RETURNING id`,
    [name],
  );
  const [{ id: userId }] = await db.query(
    `INSERT INTO app_user (account, email) VALUES ($1, $2) RETURNING id`,
    [accountId, `${randomBytes(4).toString('hex')}@${host}`],
  );
  await db.query(`INSERT INTO domain (account, host, is_default) VALUES ($1, $2, true)`, [
    accountId,
    host,
  ]);
  return { userId, accountId, admin: false };
}

/** A fresh account (own user, own link domain), so that pools never mix between tests. */
export async function seedFreshAccount(db: DataSource): Promise<Actor> {
  return seedAccount(db, 'Brand', `${randomBytes(4).toString('hex')}.brand.test`);
}

/**
 * A product of `account`'s own: products are unique system-wide, so its GTIN is `gtinPrefix`
 * (8 digits) then the count of products so far, with its check digit. Returns the product id.
 */
export async function seedProduct(
  db: DataSource,
  account: string,
  gtinPrefix: string,
): Promise<string> {
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM product`);
  const gtin = withCheck(`${gtinPrefix}${String(n).padStart(5, '0')}`);
  await db.query(`INSERT INTO product (id, gtin, account) VALUES ($1, $2, $3)`, [
    `/01/${gtin}`,
    gtin,
    account,
  ]);
  return `/01/${gtin}`;
}

/**
 * Puts `count` unassigned codes straight into the pool (SQL, for speed), each code unique by
 * `prefix`. Type `sgtin` needs a product; `sscc` codes are made of consecutive serials.
 */
export async function seedCodes(
  db: DataSource,
  account: string,
  count: number,
  { product = PRODUCT, type = 'sgtin', prefix = randomBytes(3).toString('hex') } = {},
): Promise<void> {
  await db.query(
    `INSERT INTO unique_code (account, code, type, product, digital_link)
     SELECT $1, $4 || lpad(g::text, 7, '0'), $3, $2, 'https://${HOST}/x/' || $4 || lpad(g::text, 7, '0')
     FROM generate_series(1, $5::int) g`,
    [account, type === 'sgtin' || type === 'grai' ? product : null, type, prefix, count],
  );
}

export async function reservationRow(db: DataSource, id: string) {
  const [row] = await db.query(
    `SELECT status, quantity, quantity_reserved, error_message, export_file FROM code_reservation WHERE id = $1`,
    [id],
  );
  return row as {
    status: string;
    quantity: number;
    quantity_reserved: number;
    error_message: string | null;
    export_file: string | null;
  };
}

/** How many codes a reservation holds, by status. */
export async function heldBy(db: DataSource, reservation: string): Promise<Record<string, number>> {
  const rows: { status: string; count: number }[] = await db.query(
    `SELECT status, count(*)::int AS count FROM unique_code WHERE reservation = $1 GROUP BY status`,
    [reservation],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.count]));
}

/** Inserts a reservation row as the writer does (status new), without enqueuing its claim. */
export async function insertReservation(
  db: DataSource,
  actor: Actor,
  quantity: number,
  { product = PRODUCT as string | null, code_type = 'sgtin' } = {},
): Promise<string> {
  const [{ id }] = await db.query(
    `INSERT INTO code_reservation (account, quantity, code_type, product, user_created)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [actor.accountId, quantity, code_type, product, actor.userId],
  );
  return id;
}
