import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsUuidLike } from '@sid/shared/items';
import { CODE_TYPES, CodeType } from '../identifier-job/identifier-job.entity';
import { CODE_LIFECYCLE, UniqueCodeStatus } from './unique-code.entity';

/** 0 inactive, 1 active, 2 blacklisted. */
export const ACTIVATION_STATUSES = [0, 1, 2] as const;

export class UpdateUniqueCodeDto {
  @IsOptional()
  @IsIn(CODE_LIFECYCLE, { message: `must be one of ${CODE_LIFECYCLE.join(', ')}` })
  status?: UniqueCodeStatus;

  /** The reservation that holds the code; required to move an unassigned code to reserved. */
  @IsOptional()
  @IsUuidLike()
  reservation?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  custom_id?: string | null;

  @IsOptional()
  @IsIn(ACTIVATION_STATUSES, { message: 'must be 0 (inactive), 1 (active) or 2 (blacklisted)' })
  activation_status?: 0 | 1 | 2;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  blacklist_reason?: string | null;
}

/** A code made elsewhere and registered by hand (`POST /items/unique_code`). */
export class CreateUniqueCodeDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  code!: string;

  @IsOptional()
  @IsIn(CODE_TYPES, { message: `must be one of ${CODE_TYPES.join(', ')}` })
  type: CodeType = 'sgtin';

  @IsOptional()
  @IsString()
  product?: string | null;

  @IsOptional()
  @IsUuidLike()
  identifier_job?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  digital_link?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  epc_join_key?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  custom_id?: string | null;
}
