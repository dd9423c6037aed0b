import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Request } from 'express';
import { Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { asTenant, canUseTenantRole, TENANT_ROLE } from '@sid/shared/database';
import { Actor } from '@sid/shared/items';

/**
 * Everything a partner's request does in PostgreSQL runs as its tenant: the handler (and the
 * interceptors inside this one) run in `asTenant`, so every connection they take is confined by
 * row-level security to the partner's account, writes included. The outermost interceptor, so
 * that idempotency keys are kept as the tenant too. Admins, public routes and the authentication
 * itself (which runs before, in the guards) keep the pool's own user.
 */
@Injectable()
export class TenantScopeInterceptor implements NestInterceptor, OnApplicationBootstrap {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Without the role there is no backstop: the gateway refuses to start rather than run open. */
  async onApplicationBootstrap(): Promise<void> {
    if (!(await canUseTenantRole(this.db))) {
      throw new Error(
        `The database user cannot become ${TENANT_ROLE}: run the migrations (npm run db:migrate) as the user the gateway connects with.`,
      );
    }
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context
      .switchToHttp()
      .getRequest<Request & { actor?: Actor; caller?: Actor }>();
    // `actor`: the Directus guard's; `caller`: the Scantrust routes' (ScantrustAuthGuard).
    const actor = request.actor ?? request.caller;
    if (!actor || actor.admin) return next.handle();
    // `handle()` binds the handler to the async context it is called in: this one.
    return asTenant(actor.accountId, () => next.handle());
  }
}
