import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AccountRepository } from './account.repository';
import { AuthService } from './auth.service';
import { IdempotencyRepository } from './idempotency.repository';
import { SessionRepository } from './session.repository';
import { SessionService } from './session.service';
import { UsersService } from './users.service';

@Module({
  imports: [JwtModule.register({})],
  providers: [
    AccountRepository,
    AuthService,
    UsersService,
    SessionRepository,
    SessionService,
    IdempotencyRepository,
  ],
  exports: [AccountRepository, AuthService, UsersService, SessionService, IdempotencyRepository],
})
export class AccountsModule {}
