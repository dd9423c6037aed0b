import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes'].includes(String(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every setting of every app, read once from the environment. Defaults work on a developer's
 * machine (local PostgreSQL, Redis and the embedded S3 of `npm start`); a bad value stops the
 * process at start-up with the variable's name.
 */
export class AppConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8055;

  /** Port of a worker's `/health` endpoint; 0 = no health server. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  HEALTH_PORT = 0;

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/sid';

  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /**
   * How many SQL texts each connection keeps as named prepared statements (the hot reads; see
   * prepared-statements.ts). 0: none, for a transaction-mode pooler in front of PostgreSQL.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  DATABASE_PREPARED_STATEMENTS = 100;

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every BullMQ key in Redis: lets several installations (or test suites) share one. */
  @Matches(/^[a-zA-Z0-9_-]+$/)
  QUEUE_PREFIX = 'sid';

  /** Empty = AWS S3 itself. `npm start` sets it to the embedded local S3. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\//)
  S3_ENDPOINT?: string;

  @IsString()
  @MinLength(1)
  S3_REGION = 'us-east-1';

  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    message: 'S3_BUCKET is not a valid bucket name',
  })
  S3_BUCKET = 'sid-exports';

  @IsString()
  S3_ACCESS_KEY_ID = 'S3RVER';

  @IsString()
  S3_SECRET_ACCESS_KEY = 'S3RVER';

  @Transform(toBool)
  @IsBoolean()
  S3_FORCE_PATH_STYLE = true;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  ADMIN_TOKEN?: string;

  /** Host of digital links for accounts that have not configured a domain of their own. */
  @Matches(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/, {
    message: 'LINK_DOMAIN must be a host name such as id.example.com',
  })
  LINK_DOMAIN = 'id.example.com';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  QUERY_LIMIT_DEFAULT = 100;

  /**
   * The largest `limit` anyone may ask for; unset (the default, as in Directus): none, and
   * `limit=-1` streams every row. A request over it gets a 400 that says it.
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  QUERY_LIMIT_MAX?: number;

  /** Codes written per generator transaction (one COPY). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  GENERATOR_CHUNK_SIZE = 100_000;

  /** Codes claimed per reservation transaction. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RESERVATION_BATCH_SIZE = 10_000;

  /** Jobs a worker process runs at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY = 2;

  /** How long a worker may go silent before BullMQ hands its job to another worker. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  QUEUE_LOCK_DURATION_MS = 30_000;

  /** How often PostgreSQL is swept for work that Redis lost. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  RECOVERY_INTERVAL_MS = 60_000;

  /** How often every code pool is compared with its minimum (and refilled when below). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  POOL_CHECK_INTERVAL_MS = 60_000;

  /** How often export objects that no file row points at are looked for (and deleted). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  EXPORT_OBJECT_SWEEP_INTERVAL_MS = 3_600_000;

  /**
   * How old such an object must be before it is deleted: far longer than any export takes (S3
   * dates a multipart object by when its upload began). At least 10 minutes, or an export still
   * uploading or committing its row could lose its object.
   */
  @Transform(toInt)
  @IsInt()
  @Min(600_000)
  EXPORT_OBJECT_GRACE_MS = 3_600_000;

  /**
   * How export files are stored: `gzip` (compressed, with `Content-Encoding: gzip`; a million
   * codes as JSON is about 345 MB as it is and under 30 MB so) or `identity` (as they are).
   * `/assets/<id>` serves either to any client (see FilesController).
   */
  @IsIn(['gzip', 'identity'])
  EXPORT_CONTENT_ENCODING: 'gzip' | 'identity' = 'gzip';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * Rate limiting per client address (Directus' RATE_LIMITER_*), counted in Redis so that every
   * gateway replica shares the counters. Unset: on when NODE_ENV=production, off otherwise.
   */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  RATE_LIMITER_ENABLED?: boolean;

  /** Requests a client address may make per RATE_LIMITER_DURATION seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMITER_POINTS = 50;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMITER_DURATION = 1;

  /**
   * Failed authentications (no, wrong or suspended token) a client address may make per
   * RATE_LIMITER_AUTH_DURATION seconds; past them every authenticated request from it is a 429
   * until the window ends.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMITER_AUTH_POINTS = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMITER_AUTH_DURATION = 300;

  /**
   * Express' `trust proxy`: which proxies may tell the client address in X-Forwarded-For (the
   * address the rate limits count by). Empty = none; `true`, a hop count, or addresses/subnets
   * such as `loopback, 10.0.0.0/8`.
   */
  @IsString()
  TRUST_PROXY = '';

  /**
   * api-gateway processes sharing PORT (Node.js cluster mode); 1 = the process itself serves.
   * Reads are CPU-bound in Node.js (auth, JSON), so one per core the gateway may use; each has
   * its own DATABASE_POOL_SIZE connections. See README "Performance".
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  GATEWAY_WORKERS = 1;

  /** Items one `POST /items/<collection>` (or `create_<collection>_items`) may create at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  ITEMS_BATCH_MAX = 10_000;

  /**
   * Signs the access tokens of `POST /auth/login` (JWT, HS256). Unset: a random secret per
   * process, so sessions survive neither a restart nor a second gateway replica: set it there.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(32, { message: 'SECRET must be at least 32 characters' })
  SECRET?: string;

  /** Lifetime of a login's access token (seconds). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(86_400)
  ACCESS_TOKEN_TTL_S = 900;

  /** Lifetime of a refresh token (seconds); each refresh issues a new one. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  REFRESH_TOKEN_TTL_S = 7 * 86_400;

  /** How often query-backed metrics (queue depth, pool health) are refreshed: a scrape only reads them. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  METRICS_INTERVAL_MS = 15_000;

  /** How often a worker publishes the events its transactions recorded (the outbox). */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  OUTBOX_RELAY_INTERVAL_MS = 500;

  /**
   * Webhooks may point at private, loopback and link-local addresses (and, outside production,
   * any http URL): only for a closed network. Off, production takes public https URLs only and
   * development also loopback http (a local receiver).
   */
  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_URLS = false;
}

export class InvalidConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig()).concat([
    'S3_ENDPOINT',
    'ADMIN_EMAIL',
    'ADMIN_TOKEN',
    'RATE_LIMITER_ENABLED',
    'QUERY_LIMIT_MAX',
    'SECRET',
  ]);
  const raw: Record<string, unknown> = {};
  for (const key of known) if (env[key] !== undefined) raw[key] = env[key];
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) =>
        `  ${e.property}=${JSON.stringify(raw[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new InvalidConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (config.ADMIN_TOKEN && !config.ADMIN_EMAIL) {
    throw new InvalidConfigError(
      'Invalid configuration:\n  ADMIN_TOKEN is set but ADMIN_EMAIL is not',
    );
  }
  return config;
}
