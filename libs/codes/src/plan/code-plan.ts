import {
  buildGrai,
  buildSscc,
  CHARACTER_SETS,
  CharacterSet,
  checkCodeSpace,
  encodeAiValue,
  graiLink,
  GRAI_SERIAL_MAX_LENGTH,
  isCset82,
  RandomCodeGenerator,
  sgtin96Encoder,
  sgtin96SerialGenerator,
  sgtinEpcJoinKey,
  sgtinLink,
  shortCodeLink,
  ssccLink,
  ssccSerialCapacity,
} from '@sid/identifiers';
import { CodeType } from '../identifier-job/identifier-job.entity';

/** One code as it is written to `unique_code`. */
export interface GeneratedCode {
  code: string;
  digital_link: string;
  epc_join_key: string | null;
  /** EPC pure-identity URI and SGTIN-96 hex, only in EPC mode. */
  epc_uri?: string | null;
  epc_hex?: string | null;
}

/**
 * The codes of one chunk (or one round of it), as batches of at most CODE_BATCH_SIZE codes made
 * while they are written. Calling it again starts over: with new random codes, or with the same
 * SSCCs of the range claimed for it.
 */
export type CodeBatches = () => Iterable<GeneratedCode[]>;

/** Codes made and written at a time: bounds a worker's memory whatever the chunk size. */
export const CODE_BATCH_SIZE = 5_000;

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

/** Every SSCC has 18 digits; other codes are as long as asked, or DEFAULT_CODE_LENGTH. */
export function codeLength(type: string, asked?: number | null): number {
  return type === 'sscc' ? 18 : (asked ?? DEFAULT_CODE_LENGTH);
}
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

/**
 * Makes random codes of a plan (all types but SSCC), in batches. The GTIN, host and alphabet are
 * checked once here (every character of our alphabets is URI-unreserved and in GS1 CSet 82), so
 * that each code costs one random draw and a few string concatenations.
 */
export function randomCodeSource(plan: CodePlan): (count: number) => GeneratedCode[] {
  if (plan.type === 'sgtin' && plan.epcMode)
    return epcCodeSource(plan, required(plan.gtin, 'gtin'));
  const alphabet = CHARACTER_SETS[plan.characterSet];
  const generator = new RandomCodeGenerator(alphabet, plan.length);
  const { host } = plan;
  switch (plan.type) {
    case 'sgtin': {
      const gtin = required(plan.gtin, 'gtin');
      const link = prefixOf(alphabet, (serial) => sgtinLink(host, gtin, serial));
      const key = prefixOf(alphabet, (serial) => sgtinEpcJoinKey(gtin, serial));
      return (count) =>
        generator.batch(count).map((serial) => ({
          code: serial,
          digital_link: link + serial,
          epc_join_key: key + serial,
        }));
    }
    case 'grai': {
      const gtin = required(plan.gtin, 'gtin');
      const grai = prefixOf(alphabet, (serial) => buildGrai(gtin, serial));
      const link = prefixOf(alphabet, (serial) => graiLink(host, buildGrai(gtin, serial)));
      return (count) =>
        generator.batch(count).map((serial) => ({
          code: grai + serial,
          digital_link: link + serial,
          epc_join_key: grai + serial,
        }));
    }
    case 'short_code': {
      const link = prefixOf(alphabet, (code) => shortCodeLink(host, code));
      return (count) =>
        generator
          .batch(count)
          .map((code) => ({ code, digital_link: link + code, epc_join_key: null }));
    }
    case 'sscc':
      throw new Error('SSCCs are sequential: use ssccCodes');
  }
}

/** SGTIN-96 serials, each code with its EPC pure-identity URI and SGTIN-96 hex. */
function epcCodeSource(plan: CodePlan, gtin: string): (count: number) => GeneratedCode[] {
  const generator = sgtin96SerialGenerator(plan.length);
  const encode = sgtin96Encoder(gtin, required(plan.companyPrefix, 'company prefix').length);
  const digits = CHARACTER_SETS.numeric;
  const link = prefixOf(digits, (serial) => sgtinLink(plan.host, gtin, serial));
  const key = prefixOf(digits, (serial) => sgtinEpcJoinKey(gtin, serial));
  return (count) =>
    generator.batch(count).map((serial) => {
      const epc = encode(serial);
      return {
        code: serial,
        digital_link: link + serial,
        epc_join_key: key + serial,
        epc_uri: epc.epcUri,
        epc_hex: epc.epcHex,
      };
    });
}

/**
 * What `build(serial)` puts before the serial, for serials drawn from `alphabet`: `build` runs
 * (with its checks) once, and every code's value is then this prefix + its serial as is.
 */
function prefixOf(alphabet: string, build: (serial: string) => string): string {
  for (const char of alphabet) {
    if (encodeAiValue(char) !== char || !isCset82(char)) {
      throw new Error(`"${char}" would need escaping in a digital link`);
    }
  }
  const sample = alphabet[0];
  const value = build(sample);
  if (!value.endsWith(sample))
    throw new Error(`"${value}" does not end with its serial "${sample}"`);
  return value.slice(0, value.length - sample.length);
}

/** `count` random codes, in batches of at most CODE_BATCH_SIZE. */
export function randomBatches(
  source: (count: number) => GeneratedCode[],
  count: number,
): CodeBatches {
  return function* () {
    for (let done = 0; done < count; done += CODE_BATCH_SIZE)
      yield source(Math.min(CODE_BATCH_SIZE, count - done));
  };
}

/** The `count` SSCCs from serial reference `first`, in batches of at most CODE_BATCH_SIZE. */
export function ssccBatches(plan: CodePlan, first: bigint, count: number): CodeBatches {
  return function* () {
    for (let done = 0; done < count; done += CODE_BATCH_SIZE) {
      yield ssccCodes(plan, first + BigInt(done), Math.min(CODE_BATCH_SIZE, count - done));
    }
  };
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
