import {
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { SCANTRUST_PERMISSIONS } from './scantrust-permissions';
import { IsUuidLike } from '@sid/shared/items';

/** `POST /users` (admins): a user of an existing account, or of a new one. */
export class CreateUserDto {
  @IsEmail()
  email!: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  last_name?: string | null;

  @IsOptional()
  @IsIn(['admin', 'user'])
  role: 'admin' | 'user' = 'user';

  /** Directus' static token; generated when not given, and shown only in this response. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(255)
  token?: string;

  /** For `POST /auth/login`; stored as an argon2 hash, never shown. */
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  password?: string;

  /** Existing account; or leave it out and give `account_name` to create one. */
  @IsOptional()
  @IsUuidLike()
  account?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  account_name?: string;

  /** Scantrust API permission strings of the user's token; all of them when left out. */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(SCANTRUST_PERMISSIONS, {
    each: true,
    message: `each value must be one of ${SCANTRUST_PERMISSIONS.join(', ')}`,
  })
  permissions?: string[];
}

/** `PATCH /users/<id>` (admins, or a user for themself): names and password. */
export class UpdateUserDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  last_name?: string | null;

  /** A new password (argon2-hashed); null removes it, leaving the static token only. */
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  password?: string | null;
}
