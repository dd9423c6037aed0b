import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AuthService } from './auth.service';
import { BootstrapService } from './bootstrap.service';
import { IdempotencyRepository } from './idempotency.repository';
import { SessionRepository } from './session.repository';
import { SessionService } from './session.service';
import { UsersService } from './users.service';

@Module({
  imports: [JwtModule.register({})],
  providers: [
    AuthService,
    BootstrapService,
    UsersService,
    SessionRepository,
    SessionService,
    IdempotencyRepository,
  ],
  exports: [AuthService, BootstrapService, UsersService, SessionService, IdempotencyRepository],
})
export class AccountsModule {}
