import { randomBytes } from 'node:crypto';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { gs1CheckDigit } from '@sid/identifiers';
import { ConfigModule } from '@sid/shared/config';
import { DatabaseModule, runMigrations } from '@sid/shared/database';
import { JobQueue, QueueModule, QueueName } from '@sid/shared/queue';
import { createTestDatabase, TestDatabase } from '@sid/shared/testing';
import { CodesModule } from '../codes.module';
import { IdentifierGenerationService } from './identifier-generation.service';

const GTIN = '09506000134352';
const PRODUCT = `/01/${GTIN}`;
const OWNER = `/417/950600000000${gs1CheckDigit('950600000000')}`;

interface Figures {
  planned: number;
  visible: number;
  pages: number;
  analysed: boolean;
}

/**
 * A generation job leaves the planner with true figures of unique_code (and its visibility map set
 * for index-only counts) when it reports `complete`, with no manual step and with autovacuum off
 * (as on CI): once per job, not per chunk, and not for a job too small to change them.
 */
describe('statistics after a generation job', () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  let db: DataSource;
  let service: IdentifierGenerationService;
  let account: string;

  beforeAll(async () => {
    database = await createTestDatabase('generation_statistics');
    await runMigrations(database.url);
    process.env.DATABASE_URL = database.url;
    process.env.QUEUE_PREFIX = `test-${randomBytes(6).toString('hex')}`;
    process.env.GENERATOR_CHUNK_SIZE = '1000';
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule, DatabaseModule, QueueModule.forRoot(), CodesModule],
    }).compile();
    await moduleRef.init();
    db = moduleRef.get(DataSource);
    service = moduleRef.get(IdentifierGenerationService);
    [{ id: account }] = await db.query(`INSERT INTO account (name) VALUES ('Brand') RETURNING id`);
    await db.query(`INSERT INTO domain (account, host, is_default) VALUES ($1, 'id.test', true)`, [
      account,
    ]);
    await db.query(
      `INSERT INTO organisation (id, account, name, gs1_company_prefix) VALUES ($1, $2, 'Owner', '9506000')`,
      [OWNER, account],
    );
    await db.query(`INSERT INTO product (id, gtin, account, brand_owner) VALUES ($1, $2, $3, $4)`, [
      PRODUCT,
      GTIN,
      account,
      OWNER,
    ]);
  });

  afterAll(async () => {
    const jobQueue = moduleRef?.get(JobQueue);
    for (const name of Object.values(QueueName))
      await jobQueue?.queue(name).obliterate({ force: true });
    await moduleRef?.close();
    await database?.drop();
  });

  const figures = async (): Promise<Figures> => {
    const [row] = await db.query(
      `SELECT c.reltuples::float8 AS planned, c.relallvisible AS visible, c.relpages AS pages,
              s.last_analyze IS NOT NULL AS analysed
       FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
       WHERE c.oid = 'unique_code'::regclass`,
    );
    return row;
  };

  const job = async (quantity: number): Promise<string> => {
    const [{ id }] = await db.query(
      `INSERT INTO identifier_job (account, product, quantity, type) VALUES ($1, $2, $3, 'sgtin') RETURNING id`,
      [account, PRODUCT, quantity],
    );
    return id;
  };

  it('analyses once the codes are written, before the job is complete', async () => {
    const id = await job(5_000);
    const seen: Figures[] = [];
    const outcome = await service.run(id, async () => {
      seen.push(await figures());
    });
    expect(outcome).toBe('complete');
    // Chunk by chunk, nothing was analysed yet: once per job, not per chunk.
    expect(seen).toHaveLength(5);
    for (const chunk of seen) expect(chunk).toMatchObject({ planned: -1, analysed: false });
    const after = await figures();
    expect(after.planned).toBe(5_000);
    expect(after.analysed).toBe(true);
    // VACUUM marked the new pages all-visible: an index-only count reads no heap page.
    expect(after.visible).toBe(after.pages);
    const [{ status }] = await db.query(`SELECT status FROM identifier_job WHERE id = $1`, [id]);
    expect(status).toBe('complete');
  });

  it('leaves the figures alone after a job too small to change them', async () => {
    const before = await figures();
    expect(await service.run(await job(20), () => undefined)).toBe('complete');
    expect((await figures()).planned).toBe(before.planned);
  });
});
