import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsUuidLike } from '@sid/shared/items';
import { CODE_TYPES, CodeType, MAX_JOB_QUANTITY } from '@sid/codes';
import { EXPORT_TYPES, ReservationExportType } from './code-reservation.entity';

export class UpdateCodeReservationDto {
  /** The only status a partner may set: `cancelled` releases the codes not yet used. */
  @IsOptional()
  @IsIn(['cancelled'], { message: 'can only be set to "cancelled"' })
  status?: 'cancelled';

  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference_id?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  purchase_order?: string | null;
}

export class CreateCodeReservationDto {
  @IsInt()
  @Min(1)
  @Max(MAX_JOB_QUANTITY)
  quantity!: number;

  @IsOptional()
  @IsIn(CODE_TYPES, { message: `must be one of ${CODE_TYPES.join(', ')}` })
  code_type: CodeType = 'sgtin';

  @IsOptional()
  @IsString()
  product?: string | null;

  @IsOptional()
  @Matches(/^\/417\/[0-9]{13}$/, {
    message: 'must be an organisation id such as /417/9312345000012',
  })
  reserved_for?: string | null;

  @IsOptional()
  @IsIn(EXPORT_TYPES, { message: `must be one of ${EXPORT_TYPES.join(', ')}` })
  export_type: ReservationExportType = 'csv';

  /** Appended to every exported digital link, e.g. `?utm_source=label` or `/extra`. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]{1,500}$/, {
    message: 'may only contain URL characters (no spaces or control characters), up to 500',
  })
  url_suffix?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference_id?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  purchase_order?: string | null;

  @IsOptional()
  @IsUuidLike()
  account?: string;
}
