import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BootstrapService } from './bootstrap.service';
import { DomainEntity } from './domain.entity';
import { DomainService } from './domain.service';
import { DomainWriter } from './domain.writer';
import { OrganisationEntity } from './organisation.entity';
import { OrganisationWriter } from './organisation.writer';
import { ProductEntity } from './product.entity';
import { ProductWriter } from './product.writer';

@Module({
  imports: [TypeOrmModule.forFeature([ProductEntity, OrganisationEntity, DomainEntity])],
  providers: [BootstrapService, DomainService, ProductWriter, OrganisationWriter, DomainWriter],
  exports: [BootstrapService, DomainService, ProductWriter, OrganisationWriter, DomainWriter],
})
export class CatalogModule {}
