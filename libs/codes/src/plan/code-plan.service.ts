import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainService } from '@sid/catalog';
import { CodePlan } from './code-plan';
import { IdentifierJobEntity } from '../identifier-job/identifier-job.entity';

/** Resolves a job's product GTIN (and its brand owner's company prefix) and link host into a `CodePlan`. */
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
      | 'account'
      | 'type'
      | 'length'
      | 'character_set'
      | 'product'
      | 'domain'
      | 'sscc_company_prefix'
      | 'sscc_extension_digit'
      | 'epc_mode'
    >,
  ): Promise<CodePlan | null> {
    let gtin: string | null = null;
    let companyPrefix: string | null = null;
    if (job.product) {
      const rows: { gtin: string; company_prefix: string | null }[] = await this.db.query(
        `SELECT p.gtin, o.gs1_company_prefix AS company_prefix
         FROM product p LEFT JOIN organisation o ON o.id = p.brand_owner
         WHERE p.id = $1 AND p.account = $2`,
        [job.product, job.account],
      );
      if (rows.length === 0) return null;
      gtin = rows[0].gtin;
      companyPrefix = rows[0].company_prefix;
    }
    return {
      type: job.type,
      length: job.length,
      characterSet: job.character_set,
      gtin,
      host: await this.domains.linkHost(job.account, job.domain),
      ssccCompanyPrefix: job.sscc_company_prefix,
      ssccExtensionDigit: job.sscc_extension_digit,
      epcMode: job.epc_mode,
      companyPrefix,
    };
  }
}
