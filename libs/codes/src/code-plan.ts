import {
  buildGrai,
  buildSscc,
  CHARACTER_SETS,
  CharacterSet,
  checkCodeSpace,
  graiLink,
  GRAI_SERIAL_MAX_LENGTH,
  RandomCodeGenerator,
  sgtin96,
  sgtin96SerialGenerator,
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
  /** EPC pure-identity URI and SGTIN-96 hex, only in EPC mode. */
  epc_uri?: string | null;
  epc_hex?: string | null;
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
  /** SGTIN-96 compatible serials, each code with its EPC URI and hex (sgtin only). */
  epcMode: boolean;
  /** GS1 company prefix of the product's brand owner organisation: splits the GTIN in an EPC. */
  companyPrefix: string | null;
}

export const DEFAULT_CODE_LENGTH = 8;
export const MIN_RANDOM_CODE_LENGTH = 6;
/** An SGTIN-96 serial is below 2^38 = 274877906944, so it has at most 12 digits. */
export const MAX_EPC_SERIAL_LENGTH = 12;

/** Longest random part per type: AI 21 serial 20, GRAI serial 16, short codes 20. */
export function maxRandomLength(type: CodeType): number {
  return type === 'grai' ? GRAI_SERIAL_MAX_LENGTH : 20;
}

/**
 * Checks a plan before anything is generated; returns the problem in the partner's words, or
 * null. `existing` is how many codes already share the space (same product and type).
 */
export function planProblem(plan: CodePlan, quantity: number, existing: number): string | null {
  if (plan.epcMode && plan.type !== 'sgtin') {
    return `"epc_mode" is only for sgtin jobs (SGTIN-96 tags), not ${plan.type}.`;
  }
  if (plan.type === 'sscc') {
    if (!plan.ssccCompanyPrefix || plan.ssccExtensionDigit === null) {
      return 'An sscc job needs sscc_company_prefix and sscc_extension_digit.';
    }
    return null;
  }
  if ((plan.type === 'sgtin' || plan.type === 'grai') && !plan.gtin) {
    return `An ${plan.type} job needs a product.`;
  }
  if (plan.epcMode) return epcPlanProblem(plan, quantity, existing);
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

/** EPC mode: SGTIN-96 serials (numeric, no leading zero, below 2^38) of the brand owner's GTIN. */
function epcPlanProblem(plan: CodePlan, quantity: number, existing: number): string | null {
  if (plan.characterSet !== 'numeric') {
    return `"epc_mode" serials are numeric (SGTIN-96): "character_set" must be numeric or left out, not ${plan.characterSet}.`;
  }
  if (plan.length < MIN_RANDOM_CODE_LENGTH || plan.length > MAX_EPC_SERIAL_LENGTH) {
    return `"length" must be between ${MIN_RANDOM_CODE_LENGTH} and ${MAX_EPC_SERIAL_LENGTH} in epc_mode: an SGTIN-96 serial is a number below 2^38 (274877906944).`;
  }
  const gtin = required(plan.gtin, 'gtin');
  const prefix = plan.companyPrefix;
  if (!prefix) {
    return `"epc_mode" needs the product's brand_owner organisation, with its gs1_company_prefix: an EPC splits GTIN ${gtin} into company prefix and item reference.`;
  }
  if (prefix.length < 6 || gtin.slice(1, 1 + prefix.length) !== prefix) {
    return `"epc_mode" cannot encode GTIN ${gtin} with the brand owner's gs1_company_prefix ${prefix}: an SGTIN-96 needs a 6 to 12 digit company prefix that the GTIN starts with (after its indicator digit).`;
  }
  // Up to 11 digits the first digit is 1-9; at 12 digits only serials from 10^11 to 2^38 - 1 fit,
  // counted here as a first "alphabet" of 1 (10^11 serials): a little cautious.
  const space = (length: number) =>
    checkCodeSpace({
      quantity,
      existing,
      length,
      alphabetSize: 10,
      firstAlphabetSize: length < MAX_EPC_SERIAL_LENGTH ? 9 : 1,
      label: 'SGTIN-96',
    });
  const check = space(plan.length);
  if (check.ok) return null;
  const problem = check.message.replace(/; (use|even) .*$/, '');
  for (let length = plan.length + 1; length <= MAX_EPC_SERIAL_LENGTH; length++) {
    if (space(length).ok) return `${problem}; use length ${length} or more`;
  }
  return `${problem}; an SGTIN-96 serial has at most ${MAX_EPC_SERIAL_LENGTH} digits, so split the job or leave epc_mode off`;
}

/** Makes random codes of a plan (all types but SSCC), in batches. */
export function randomCodeSource(plan: CodePlan): (count: number) => GeneratedCode[] {
  const generator = new RandomCodeGenerator(CHARACTER_SETS[plan.characterSet], plan.length);
  const { host } = plan;
  switch (plan.type) {
    case 'sgtin': {
      const gtin = required(plan.gtin, 'gtin');
      if (plan.epcMode) return epcCodeSource(plan, gtin);
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

/** SGTIN-96 serials, each code with its EPC pure-identity URI and SGTIN-96 hex. */
function epcCodeSource(plan: CodePlan, gtin: string): (count: number) => GeneratedCode[] {
  const generator = sgtin96SerialGenerator(plan.length);
  const companyPrefixLength = required(plan.companyPrefix, 'company prefix').length;
  const { host } = plan;
  return (count) =>
    generator.batch(count).map((serial) => {
      const epc = sgtin96(gtin, companyPrefixLength, serial);
      return {
        code: serial,
        digital_link: sgtinLink(host, gtin, serial),
        epc_join_key: sgtinEpcJoinKey(gtin, serial),
        epc_uri: epc.epcUri,
        epc_hex: epc.epcHex,
      };
    });
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
