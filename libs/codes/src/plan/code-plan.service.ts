import { Injectable } from '@nestjs/common';
import { DomainService, ProductRepository } from '@sid/catalog';
import { InvalidPayloadError } from '@sid/shared/errors';
import { CodeGenerationRepository } from '../generation/code-generation.repository';
import { CodePlan, planProblem } from './code-plan';
import { IdentifierJobEntity } from '../identifier-job/identifier-job.entity';

/** What a plan is made from: a job's settings, or a pool's as a job would have them. */
export type PlanSettings = Pick<
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
>;

/** Resolves a job's product GTIN (and its brand owner's company prefix) and link host into a `CodePlan`. */
@Injectable()
export class CodePlanService {
  constructor(
    private readonly products: ProductRepository,
    private readonly domains: DomainService,
    private readonly generation: CodeGenerationRepository,
  ) {}

  /**
   * The one feasibility check: whether `quantity` more codes fit the plan's space beside those
   * already issued or promised (but those of `excludingJob`). The problem in words, or null.
   */
  async problem(
    plan: CodePlan,
    space: Pick<PlanSettings, 'product' | 'type'>,
    quantity: number,
    excludingJob?: string,
  ): Promise<string | null> {
    const existing =
      plan.type === 'sscc'
        ? 0
        : await this.generation.countExisting(space.product, space.type, excludingJob);
    return planProblem(plan, quantity, existing);
  }

  /** For a writer: the plan of `settings`, or a 400 if its product is missing or `quantity` does not fit. */
  async assertFeasible(settings: PlanSettings, quantity: number): Promise<CodePlan> {
    const plan = await this.planFor(settings);
    if (!plan) {
      throw new InvalidPayloadError(`Product "${settings.product}" does not exist.`, {
        field: 'product',
      });
    }
    const problem = await this.problem(plan, settings, quantity);
    if (problem) throw new InvalidPayloadError(problem);
    return plan;
  }

  /** Null when the job names a product that does not exist in its account. */
  async planFor(job: PlanSettings): Promise<CodePlan | null> {
    let gtin: string | null = null;
    let companyPrefix: string | null = null;
    if (job.product) {
      const keys = await this.products.gs1Keys(job.product, job.account);
      if (!keys) return null;
      gtin = keys.gtin;
      companyPrefix = keys.company_prefix;
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
