import { Module } from '@nestjs/common';
import { AccountRepository } from './account.repository';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';

@Module({
  providers: [AccountRepository, AuthService, UsersService],
  exports: [AccountRepository, AuthService, UsersService],
})
export class AccountsModule {}
