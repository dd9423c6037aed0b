import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEntity } from './account.entity';
import { AppUserEntity } from './app-user.entity';
import { AuthService } from './auth.service';
import { BootstrapService } from './bootstrap.service';

@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, AppUserEntity])],
  providers: [AuthService, BootstrapService],
  exports: [AuthService, BootstrapService],
})
export class AccountsModule {}
