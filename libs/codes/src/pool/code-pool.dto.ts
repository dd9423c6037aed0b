import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { IsUuidLike } from '@sid/shared/items';
import { CHARACTER_SETS, CharacterSet } from '@sid/identifiers';
import { MAX_JOB_QUANTITY } from '../identifier-job/identifier-job.dto';
import { CODE_TYPES, CodeType } from '../identifier-job/identifier-job.entity';

/** Like IsOptional, but `null` is refused: these columns always have a value. */
const Optional = () => ValidateIf((_, value) => value !== undefined);

const REFILL_MAX = {
  message: `must not be greater than ${MAX_JOB_QUANTITY} (the largest identifier job)`,
};

/** How a pool's refills are made. */
class CodePoolSettingsDto {
  @Optional()
  @IsInt()
  @Min(1)
  @Max(20)
  length?: number;

  @Optional()
  @IsIn(Object.keys(CHARACTER_SETS), {
    message: `must be one of ${Object.keys(CHARACTER_SETS).join(', ')}`,
  })
  character_set?: CharacterSet;

  @IsOptional()
  @Matches(/^[0-9]{4,12}$/, { message: 'must be a GS1 company prefix of 4 to 12 digits' })
  sscc_company_prefix?: string | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(9)
  sscc_extension_digit?: number | null;
}

/** What may change on a pool: how much to keep and how to make more, not which codes it holds. */
export class UpdateCodePoolDto extends CodePoolSettingsDto {
  @Optional()
  @IsInt()
  @Min(1)
  min_unassigned?: number;

  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_JOB_QUANTITY, REFILL_MAX)
  refill_quantity?: number;
}

/** `POST /items/code_pool`: one pool per account, product and code type. */
export class CreateCodePoolDto extends CodePoolSettingsDto {
  @IsInt()
  @Min(1)
  min_unassigned!: number;

  @IsInt()
  @Min(1)
  @Max(MAX_JOB_QUANTITY, REFILL_MAX)
  refill_quantity!: number;

  @IsOptional()
  @IsIn(CODE_TYPES, { message: `must be one of ${CODE_TYPES.join(', ')}` })
  code_type: CodeType = 'sgtin';

  @IsOptional()
  @IsString()
  product?: string | null;

  /** Accepted for compatibility with multi-tenant clients; must be the caller's own account. */
  @IsOptional()
  @IsUuidLike()
  account?: string;
}
