import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@sid/catalog';
import { CodeGenerationRepository } from './code-generation.repository';
import { CodePlanService } from './code-plan.service';
import { CodePoolCheckService } from './code-pool-check.service';
import { CodePoolEntity } from './code-pool.entity';
import { CodePoolWriter } from './code-pool.writer';
import { CustomCodeRepository } from './custom-code.repository';
import { CODE_SOURCE_FACTORY, defaultCodeSourceFactory } from './code-source';
import { IdentifierGenerationService } from './identifier-generation.service';
import { IdentifierJobEntity } from './identifier-job.entity';
import { IdentifierJobWriter } from './identifier-job.writer';
import { UniqueCodeEntity } from './unique-code.entity';
import { UniqueCodeWriter } from './unique-code.writer';

/** Identifier jobs and the codes they make. Needs `QueueModule.forRoot()` in the app. */
@Module({
  imports: [
    TypeOrmModule.forFeature([IdentifierJobEntity, UniqueCodeEntity, CodePoolEntity]),
    CatalogModule,
  ],
  providers: [
    CodeGenerationRepository,
    CodePlanService,
    IdentifierGenerationService,
    IdentifierJobWriter,
    UniqueCodeWriter,
    CodePoolWriter,
    CodePoolCheckService,
    CustomCodeRepository,
    { provide: CODE_SOURCE_FACTORY, useValue: defaultCodeSourceFactory },
  ],
  exports: [
    IdentifierGenerationService,
    IdentifierJobWriter,
    UniqueCodeWriter,
    CodePlanService,
    CodePoolWriter,
    CodePoolCheckService,
    CustomCodeRepository,
  ],
})
export class CodesModule {}
