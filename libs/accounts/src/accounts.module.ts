import { Module } from '@nestjs/common';
import { AuthService } from './auth.service';
import { BootstrapService } from './bootstrap.service';
import { UsersService } from './users.service';

@Module({
  providers: [AuthService, BootstrapService, UsersService],
  exports: [AuthService, BootstrapService, UsersService],
})
export class AccountsModule {}
