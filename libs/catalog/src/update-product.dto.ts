import {
  IsArray,
  IsBoolean,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
} from 'class-validator';
import { IsUuidLike } from '@sid/shared/items';

/** Every writable field of a product. `id` is derived from `gtin`; the audit fields from the caller. */
export class UpdateProductDto {
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  product_name?: string | null;

  @IsOptional()
  @IsUuidLike()
  brand?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  custom_id?: string | null;

  @IsOptional()
  @IsUrl({ require_protocol: true, require_tld: false })
  digital_link?: string | null;

  @IsOptional()
  @IsUrl({ require_protocol: true, require_tld: false })
  product_redirection_url?: string | null;

  @IsOptional()
  @IsUuidLike()
  product_reference_document?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  packaging_type_code?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  variant_description?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  functional_name?: string | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  net_weight?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  net_weight_unit?: string | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  gross_weight?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  gross_weight_unit?: string | null;

  @IsOptional()
  @IsBoolean()
  third_party_product?: boolean | null;

  @IsOptional()
  @IsBoolean()
  finished_product?: boolean | null;

  @IsOptional()
  @IsUuidLike()
  primary_image?: string | null;

  @IsOptional()
  @Matches(/^\/417\/[0-9]{13}$/, {
    message: 'must be an organisation id such as /417/9312345000012',
  })
  product_manufacturer?: string | null;

  @IsOptional()
  @Matches(/^\/417\/[0-9]{13}$/, {
    message: 'must be an organisation id such as /417/9312345000012',
  })
  brand_owner?: string | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  net_content?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  net_content_unit?: string | null;

  @IsOptional()
  @IsUuidLike()
  product_redirection_rule?: string | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  fat_percentage_in_dry_matter?: number | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  percentage_of_alcohol_by_volume?: number | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  nutrient_basis_quantity?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  nutrient_basis_quantity_type?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  nutrient_basis_quantity_unit?: string | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  serving_size?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  serving_size_unit?: string | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  in_package_height?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  in_package_height_unit?: string | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  in_package_width?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  in_package_width_unit?: string | null;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  in_package_depth?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  in_package_depth_unit?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  country_of_origin?: string | null;

  @IsOptional()
  @Matches(/^\/01\/[0-9]{14}$/, { message: 'must be a product id such as /01/09312345551927' })
  parent_product?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  size?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  target_consumer_gender?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  season_code?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  color?: string | null;

  @IsOptional()
  @IsArray()
  translations?: object[];

  @IsOptional()
  @IsArray()
  certifications?: object[];

  @IsOptional()
  @IsArray()
  nutrients?: object[];
}
