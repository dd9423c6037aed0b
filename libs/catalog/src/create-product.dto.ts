import { IsOptional, IsString, Matches } from 'class-validator';
import { IsUuidLike } from '@sid/shared/items';
import { UpdateProductDto } from './update-product.dto';

export class CreateProductDto extends UpdateProductDto {
  /** GTIN-8, -12, -13 or -14; stored as GTIN-14. */
  @IsString()
  @Matches(/^\s*[0-9]{8,14}\s*$/, { message: 'must be a GTIN of 8, 12, 13 or 14 digits' })
  gtin!: string;

  /** Optional: when given it must be the Digital Link path of `gtin`. */
  @IsOptional()
  @IsString()
  id?: string;

  /** Admins may create a product for another account. */
  @IsOptional()
  @IsUuidLike()
  account?: string;
}
