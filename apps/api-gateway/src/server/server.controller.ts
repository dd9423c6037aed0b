import { Controller, Get, Header } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator';
import { OpenApiService } from '../openapi/openapi.service';
import { RedisHealthIndicator } from './redis.health';

@Controller('server')
export class ServerController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly openApi: OpenApiService,
  ) {}

  /** Liveness, as in Directus. */
  @Public()
  @Get('ping')
  @Header('content-type', 'text/plain; charset=utf-8')
  ping(): string {
    return 'pong';
  }

  /** Readiness: 200 while PostgreSQL and Redis answer, 503 otherwise. */
  @Public()
  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.database.pingCheck('database'),
      () => this.redis.isHealthy('redis'),
    ]);
  }

  /**
   * The OpenAPI 3 document, at Directus' path. Public: it describes the API's shape, which is
   * the same for every account, and no data (Swagger UI at /docs shows it).
   */
  @Public()
  @Get('specs/oas')
  oas() {
    return this.openApi.document();
  }
}
