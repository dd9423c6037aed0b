import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@sid/accounts';
import { BootstrapService } from './bootstrap.service';
import { DomainEntity } from './domain.entity';
import { DomainRepository } from './domain.repository';
import { DomainService } from './domain.service';
import { DomainWriter } from './domain.writer';
import { OrganisationEntity } from './organisation.entity';
import { OrganisationRepository } from './organisation.repository';
import { OrganisationWriter } from './organisation.writer';
import { ProductEntity } from './product.entity';
import { ProductRepository } from './product.repository';
import { ProductWriter } from './product.writer';

@Module({
  imports: [
    TypeOrmModule.forFeature([ProductEntity, OrganisationEntity, DomainEntity]),
    AccountsModule,
  ],
  providers: [
    DomainRepository,
    ProductRepository,
    OrganisationRepository,
    BootstrapService,
    DomainService,
    ProductWriter,
    OrganisationWriter,
    DomainWriter,
  ],
  exports: [
    DomainRepository,
    ProductRepository,
    OrganisationRepository,
    BootstrapService,
    DomainService,
    ProductWriter,
    OrganisationWriter,
    DomainWriter,
  ],
})
export class CatalogModule {}
