import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { DOMAIN_EVENTS, DomainEventName } from '@sid/shared/events';

const Optional = () => ValidateIf((_, value) => value !== undefined);

export class UpdateWebhookDto {
  @Optional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DOMAIN_EVENTS, {
    each: true,
    message: `each event must be one of ${DOMAIN_EVENTS.join(', ')}`,
  })
  events?: DomainEventName[];

  @Optional()
  @IsBoolean()
  active?: boolean;
}

export class CreateWebhookDto extends UpdateWebhookDto {
  @IsString()
  @MaxLength(2000)
  declare url: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DOMAIN_EVENTS, {
    each: true,
    message: `each event must be one of ${DOMAIN_EVENTS.join(', ')}`,
  })
  declare events: DomainEventName[];
}
