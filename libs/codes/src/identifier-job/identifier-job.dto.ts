import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsUuidLike } from '@sid/shared/items';
import { CHARACTER_SETS, CharacterSet } from '@sid/identifiers';
import { CODE_TYPES, CodeType } from './identifier-job.entity';

export const MAX_JOB_QUANTITY = 1_000_000;

export class UpdateIdentifierJobDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference_id?: string | null;
}

/** What a partner may send to `POST /items/identifier_job`. */
export class CreateIdentifierJobDto extends UpdateIdentifierJobDto {
  @IsInt()
  @Min(1)
  @Max(MAX_JOB_QUANTITY, {
    message: `must not be greater than ${MAX_JOB_QUANTITY} (the largest job; split larger orders)`,
  })
  quantity!: number;

  @IsOptional()
  @IsIn(CODE_TYPES, { message: `must be one of ${CODE_TYPES.join(', ')}` })
  type: CodeType = 'sgtin';

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  length?: number;

  @IsOptional()
  @IsIn(Object.keys(CHARACTER_SETS), {
    message: `must be one of ${Object.keys(CHARACTER_SETS).join(', ')}`,
  })
  character_set: CharacterSet = 'alphanumeric';

  @IsOptional()
  @IsString()
  product?: string | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  sscc_start_serial = 0;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(9)
  sscc_extension_digit?: number | null;

  @IsOptional()
  @Matches(/^[0-9]{4,12}$/, { message: 'must be a GS1 company prefix of 4 to 12 digits' })
  sscc_company_prefix?: string | null;

  @IsOptional()
  @IsUuidLike()
  domain?: string | null;

  /**
   * RFID: SGTIN-96 compatible serials (numeric, no leading zero, below 2^38), each code with its
   * EPC URI and SGTIN-96 hex. Needs an sgtin job, length 6-12 and a brand owner company prefix.
   */
  @IsOptional()
  @IsBoolean()
  epc_mode = false;

  /** Accepted for compatibility with multi-tenant clients; must be the caller's own account. */
  @IsOptional()
  @IsUuidLike()
  account?: string;
}
