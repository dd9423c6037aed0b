import { LogLevel } from '@nestjs/common';

/** LOG_LEVEL (pino's names) → the levels Nest's logger prints. */
export function nestLogLevels(level: string): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo: Record<string, number> = {
    silent: -1,
    fatal: 0,
    error: 1,
    warn: 2,
    info: 3,
    debug: 4,
    trace: 5,
  };
  return order.slice(0, (upTo[level] ?? 3) + 1);
}
