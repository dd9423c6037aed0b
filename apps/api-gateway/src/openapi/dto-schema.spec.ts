import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsUuidLike } from '@sid/shared/items';
import { dtoSchema } from './dto-schema';

class Sample {
  @IsString()
  @MaxLength(20)
  name!: string;

  @IsOptional()
  @IsUuidLike()
  owner?: string | null;

  @ValidateIf((_, value) => value !== undefined)
  @IsInt()
  @Min(1)
  size?: number;

  @IsOptional()
  @IsIn(['a', 'b'])
  kind: string = 'a';

  @IsOptional()
  @Matches(/^[0-9]{4}$/)
  prefix?: string;
}

class Unknown {
  @IsUUID('4')
  id!: string;
}

describe('dtoSchema', () => {
  it('reads types, sizes, choices, defaults and what is required from the validation rules', () => {
    expect(dtoSchema(Sample)).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', maxLength: 20 },
        // IsOptional takes null too; ValidateIf(value !== undefined) only allows leaving it out.
        owner: { type: 'string', format: 'uuid', nullable: true },
        size: { type: 'integer', minimum: 1 },
        kind: { type: 'string', enum: ['a', 'b'], nullable: true, default: 'a' },
        prefix: { type: 'string', pattern: '^[0-9]{4}$', nullable: true },
      },
    });
  });

  it('refuses a rule it does not know rather than describe the body wrongly', () => {
    expect(() => dtoSchema(Unknown)).toThrow(/Unknown.id: .* "isUuid"/);
  });
});
