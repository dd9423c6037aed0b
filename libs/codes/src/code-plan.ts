import {
  buildGrai,
  buildSscc,
  CHARACTER_SETS,
  CharacterSet,
  checkCodeSpace,
  graiLink,
  GRAI_SERIAL_MAX_LENGTH,
  RandomCodeGenerator,
  sgtinEpcJoinKey,
  sgtinLink,
  shortCodeLink,
  ssccLink,
  ssccSerialCapacity,
} from '@sid/identifiers';
import { CodeType } from './identifier-job.entity';

/** One code as it is written to `unique_code`. */
export interface GeneratedCode {
  code: string;
  digital_link: string;
  epc_join_key: string | null;
}

/** Everything needed to make the codes of one job, resolved from the job, its product and domain. */
export interface CodePlan {
  type: CodeType;
  length: number;
  characterSet: CharacterSet;
  /** GTIN-14 of the product (SGTIN, GRAI). */
  gtin: string | null;
  host: string;
  ssccCompanyPrefix: string | null;
  ssccExtensionDigit: number | null;
}

export const DEFAULT_CODE_LENGTH = 8;
export const MIN_RANDOM_CODE_LENGTH = 6;

/** Longest random part per type: AI 21 serial 20, GRAI serial 16, short codes 20. */
export function maxRandomLength(type: CodeType): number {
  return type === 'grai' ? GRAI_SERIAL_MAX_LENGTH : 20;
}

/**
 * Checks a plan before anything is generated; returns the problem in the partner's words, or
 * null. `existing` is how many codes already share the space (same product and type).
 */
export function planProblem(plan: CodePlan, quantity: number, existing: number): string | null {
  if (plan.type === 'sscc') {
    if (!plan.ssccCompanyPrefix || plan.ssccExtensionDigit === null) {
      return 'An sscc job needs sscc_company_prefix and sscc_extension_digit.';
    }
    return null;
  }
  if ((plan.type === 'sgtin' || plan.type === 'grai') && !plan.gtin) {
    return `An ${plan.type} job needs a product.`;
  }
  const max = maxRandomLength(plan.type);
  if (plan.length < MIN_RANDOM_CODE_LENGTH || plan.length > max) {
    return `"length" must be between ${MIN_RANDOM_CODE_LENGTH} and ${max} for ${plan.type} codes.`;
  }
  const check = checkCodeSpace({
    quantity,
    existing,
    length: plan.length,
    alphabetSize: CHARACTER_SETS[plan.characterSet].length,
    label: plan.characterSet,
  });
  return check.ok ? null : check.message;
}

/** Makes random codes of a plan (all types but SSCC), in batches. */
export function randomCodeSource(plan: CodePlan): (count: number) => GeneratedCode[] {
  const generator = new RandomCodeGenerator(CHARACTER_SETS[plan.characterSet], plan.length);
  const { host } = plan;
  switch (plan.type) {
    case 'sgtin': {
      const gtin = required(plan.gtin, 'gtin');
      return (count) =>
        generator.batch(count).map((serial) => ({
          code: serial,
          digital_link: sgtinLink(host, gtin, serial),
          epc_join_key: sgtinEpcJoinKey(gtin, serial),
        }));
    }
    case 'grai': {
      const gtin = required(plan.gtin, 'gtin');
      return (count) =>
        generator.batch(count).map((serial) => {
          const grai = buildGrai(gtin, serial);
          return { code: grai, digital_link: graiLink(host, grai), epc_join_key: grai };
        });
    }
    case 'short_code':
      return (count) =>
        generator.batch(count).map((code) => ({
          code,
          digital_link: shortCodeLink(host, code),
          epc_join_key: null,
        }));
    case 'sscc':
      throw new Error('SSCCs are sequential: use ssccCodes');
  }
}

/** `count` consecutive SSCCs starting at serial reference `first`. */
export function ssccCodes(plan: CodePlan, first: bigint, count: number): GeneratedCode[] {
  const prefix = required(plan.ssccCompanyPrefix, 'sscc_company_prefix');
  const extension = required(plan.ssccExtensionDigit, 'sscc_extension_digit');
  const codes: GeneratedCode[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const sscc = buildSscc(extension, prefix, first + BigInt(i));
    codes[i] = { code: sscc, digital_link: ssccLink(plan.host, sscc), epc_join_key: sscc };
  }
  return codes;
}

export function ssccCapacity(plan: CodePlan): bigint {
  return ssccSerialCapacity(required(plan.ssccCompanyPrefix, 'sscc_company_prefix'));
}

function required<T>(value: T | null, name: string): T {
  if (value === null) throw new Error(`code plan without ${name}`);
  return value;
}
