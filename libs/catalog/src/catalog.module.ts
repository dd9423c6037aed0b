import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DomainEntity } from './domain.entity';
import { DomainService } from './domain.service';
import { DomainWriter } from './domain.writer';
import { OrganisationEntity } from './organisation.entity';
import { OrganisationWriter } from './organisation.writer';
import { ProductEntity } from './product.entity';
import { ProductWriter } from './product.writer';

@Module({
  imports: [TypeOrmModule.forFeature([ProductEntity, OrganisationEntity, DomainEntity])],
  providers: [DomainService, ProductWriter, OrganisationWriter, DomainWriter],
  exports: [DomainService, ProductWriter, OrganisationWriter, DomainWriter],
})
export class CatalogModule {}
