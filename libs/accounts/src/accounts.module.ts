import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEntity } from './account.entity';
import { AppUserEntity } from './app-user.entity';
import { AuthService } from './auth.service';
import { BootstrapService } from './bootstrap.service';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, AppUserEntity])],
  providers: [AuthService, BootstrapService, UsersService],
  exports: [AuthService, BootstrapService, UsersService],
})
export class AccountsModule {}
