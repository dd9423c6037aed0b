import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainService } from '@sid/catalog';
import { CodePlan } from './code-plan';
import { IdentifierJobEntity } from './identifier-job.entity';

/** Resolves a job's product GTIN and link host into a `CodePlan`. */
@Injectable()
export class CodePlanService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly domains: DomainService,
  ) {}

  /** Null when the job names a product that does not exist in its account. */
  async planFor(
    job: Pick<
      IdentifierJobEntity,
      'account' | 'type' | 'length' | 'character_set' | 'product' | 'domain' | 'sscc_company_prefix' | 'sscc_extension_digit'
    >,
  ): Promise<CodePlan | null> {
    let gtin: string | null = null;
    if (job.product) {
      const rows: { gtin: string }[] = await this.db.query(
        'SELECT gtin FROM product WHERE id = $1 AND account = $2',
        [job.product, job.account],
      );
      if (rows.length === 0) return null;
      gtin = rows[0].gtin;
    }
    return {
      type: job.type,
      length: job.length,
      characterSet: job.character_set,
      gtin,
      host: await this.domains.linkHost(job.account, job.domain),
      ssccCompanyPrefix: job.sscc_company_prefix,
      ssccExtensionDigit: job.sscc_extension_digit,
    };
  }
}
