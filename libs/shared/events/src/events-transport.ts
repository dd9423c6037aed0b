import { RedisOptions, Transport } from '@nestjs/microservices';
import { AppConfig } from '@sid/shared/config';

/** Token of the ClientProxy that publishes domain events. */
export const EVENTS_CLIENT = Symbol('EVENTS_CLIENT');

/**
 * The Redis channel (@nestjs/microservices' Redis transport: the event pattern is the channel)
 * of domain events, under QUEUE_PREFIX so that installations or test suites sharing a Redis do
 * not hear each other.
 */
export function eventsPattern(config: Pick<AppConfig, 'QUEUE_PREFIX'>): string {
  return `${config.QUEUE_PREFIX}:domain-events`;
}

export function eventsTransportOptions(config: Pick<AppConfig, 'REDIS_URL'>): RedisOptions {
  const url = new URL(config.REDIS_URL);
  return {
    transport: Transport.REDIS,
    options: {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      retryAttempts: 1_000_000,
      retryDelay: 1_000,
    },
  };
}
