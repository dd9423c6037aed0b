import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@sid/shared/config';
import { loggerOptions } from './logger-options';

/**
 * nestjs-pino for an app (gateway or worker): JSON lines in production and tests, pino-pretty in
 * development, every line with the `requestId` of the request or job it serves, secrets
 * redacted. The app hands Nest's logging to it with `app.useLogger(app.get(Logger))`.
 */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ pinoHttp: loggerOptions(config) }),
    }),
  ],
  exports: [LoggerModule],
})
export class LoggingModule {}
