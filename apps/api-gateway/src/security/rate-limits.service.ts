import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '@sid/shared/config';
import { TooManyRequestsError } from '@sid/shared/errors';
import { redisConnectionOptions } from '@sid/shared/queue';

/**
 * Directus-style rate limits per client address, counted in Redis (under QUEUE_PREFIX) so that
 * every gateway replica shares them: RATE_LIMITER_POINTS requests per RATE_LIMITER_DURATION
 * seconds, and, stricter, RATE_LIMITER_AUTH_POINTS failed authentications per
 * RATE_LIMITER_AUTH_DURATION seconds. If Redis does not answer, each replica counts in memory
 * meanwhile (rate-limiter-flexible's insurance limiter): a Redis outage neither opens the gate
 * nor turns requests into errors.
 */
@Injectable()
export class RateLimits implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimits');
  readonly enabled: boolean;
  private readonly redis?: Redis;
  private readonly requests?: RateLimiterRedis;
  private readonly failedAuth?: RateLimiterRedis;

  constructor(config: AppConfig) {
    this.enabled = config.RATE_LIMITER_ENABLED ?? config.NODE_ENV === 'production';
    if (!this.enabled) return;
    this.redis = new Redis({
      ...redisConnectionOptions(config.REDIS_URL),
      // A command waits for no reconnection: the insurance limiter answers instead.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    this.redis.on('error', () => undefined); // reported by the limiters' fallback, not per retry
    const limiter = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${config.QUEUE_PREFIX}:rate:${name}`,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ points, duration }),
      });
    this.requests = limiter('requests', config.RATE_LIMITER_POINTS, config.RATE_LIMITER_DURATION);
    this.failedAuth = limiter(
      'auth',
      config.RATE_LIMITER_AUTH_POINTS,
      config.RATE_LIMITER_AUTH_DURATION,
    );
  }

  /** Counts one request of `client`; a TooManyRequestsError once its budget is spent. */
  async request(client: string): Promise<void> {
    if (!this.requests) return;
    try {
      await this.requests.consume(client);
    } catch (outcome) {
      const refusal = this.refusal(outcome);
      if (refusal) throw refusal;
    }
  }

  /** Refuses a client that has failed to authenticate too often lately. */
  async assertMayAuthenticate(client: string): Promise<void> {
    if (!this.failedAuth) return;
    const state = await this.failedAuth.get(client).catch((error: unknown) => {
      this.logger.warn(`Rate limit store unavailable: ${String(error)}`);
      return null;
    });
    if (state && state.consumedPoints >= this.failedAuth.points) {
      throw new TooManyRequestsError(
        Math.max(1, Math.ceil(state.msBeforeNext / 1000)),
        'Too many failed authentications from this address: try again later.',
      );
    }
  }

  /** Counts a failed authentication of `client`. */
  async authenticationFailed(client: string): Promise<void> {
    if (!this.failedAuth) return;
    await this.failedAuth.penalty(client).catch((error: unknown) => {
      this.logger.warn(`Rate limit store unavailable: ${String(error)}`);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.redis?.disconnect();
  }

  private refusal(outcome: unknown): TooManyRequestsError | null {
    if (outcome instanceof RateLimiterRes) {
      return new TooManyRequestsError(Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)));
    }
    // The store and its insurance both failed: let the request through rather than fail it.
    this.logger.warn(`Rate limit store unavailable: ${String(outcome)}`);
    return null;
  }
}

/** The address limits count by: Express' `request.ip`, which honours TRUST_PROXY. */
export function clientAddress(request: {
  ip?: string;
  socket?: { remoteAddress?: string };
}): string {
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}
