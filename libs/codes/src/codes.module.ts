import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@sid/catalog';
import { TableStatistics } from '@sid/shared/database';
import { EventOutboxModule } from '@sid/shared/events';
import { CodeGenerationRepository } from './generation/code-generation.repository';
import { CodePlanService } from './plan/code-plan.service';
import { CodePoolCheckService } from './pool/code-pool-check.service';
import { CodePoolEntity } from './pool/code-pool.entity';
import { CodePoolWriter } from './pool/code-pool.writer';
import { CustomCodeRepository } from './custom-code/custom-code.repository';
import { CODE_SOURCE_FACTORY, defaultCodeSourceFactory } from './generation/code-source';
import { IdentifierGenerationService } from './generation/identifier-generation.service';
import { IdentifierJobEntity } from './identifier-job/identifier-job.entity';
import { IdentifierJobRepository } from './identifier-job/identifier-job.repository';
import { IdentifierJobWriter } from './identifier-job/identifier-job.writer';
import { UniqueCodeEntity } from './unique-code/unique-code.entity';

/** Identifier jobs and the codes they make. Needs `QueueModule.forRoot()` in the app. */
@Module({
  imports: [
    TypeOrmModule.forFeature([IdentifierJobEntity, UniqueCodeEntity, CodePoolEntity]),
    CatalogModule,
    EventOutboxModule,
  ],
  providers: [
    CodeGenerationRepository,
    TableStatistics,
    CodePlanService,
    IdentifierGenerationService,
    IdentifierJobRepository,
    IdentifierJobWriter,
    CodePoolWriter,
    CodePoolCheckService,
    CustomCodeRepository,
    { provide: CODE_SOURCE_FACTORY, useValue: defaultCodeSourceFactory },
  ],
  exports: [
    IdentifierJobRepository,
    IdentifierGenerationService,
    IdentifierJobWriter,
    CodePlanService,
    CodePoolWriter,
    CodePoolCheckService,
    CustomCodeRepository,
  ],
})
export class CodesModule {}
