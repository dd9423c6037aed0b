import { Column, Entity, PrimaryColumn, ValueTransformer } from 'typeorm';
import { AuditedEntity } from '@sid/shared/database';

/** `numeric` comes back from pg as a string; the API speaks numbers. */
const NUMERIC: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * GS1 product master data (shared/spec/003). The primary key is the Digital Link path of the
 * GTIN, `/01/<gtin14>`, set by the server.
 */
@Entity('product')
export class ProductEntity extends AuditedEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  gtin!: string;

  @Column('uuid')
  account!: string;

  @Column('text', { nullable: true })
  product_name!: string | null;

  @Column('uuid', { nullable: true })
  brand!: string | null;

  @Column('text', { nullable: true })
  custom_id!: string | null;

  @Column('text', { nullable: true })
  digital_link!: string | null;

  @Column('text', { nullable: true })
  product_redirection_url!: string | null;

  @Column('uuid', { nullable: true })
  product_reference_document!: string | null;

  @Column('text', { nullable: true })
  packaging_type_code!: string | null;

  @Column('text', { nullable: true })
  variant_description!: string | null;

  @Column('text', { nullable: true })
  functional_name!: string | null;

  @Column('numeric', { nullable: true, transformer: NUMERIC })
  net_weight!: number | null;

  @Column('text', { nullable: true })
  net_weight_unit!: string | null;

  @Column('numeric', { nullable: true, transformer: NUMERIC })
  gross_weight!: number | null;

  @Column('text', { nullable: true })
  gross_weight_unit!: string | null;

  @Column('boolean', { nullable: true })
  third_party_product!: boolean | null;

  @Column('boolean', { nullable: true })
  finished_product!: boolean | null;

  @Column('uuid', { nullable: true })
  primary_image!: string | null;

  @Column('text', { nullable: true })
  product_manufacturer!: string | null;

  @Column('text', { nullable: true })
  brand_owner!: string | null;

  @Column('numeric', { nullable: true, transformer: NUMERIC })
  net_content!: number | null;

  @Column('text', { nullable: true })
  net_content_unit!: string | null;

  @Column('uuid', { nullable: true })
  product_redirection_rule!: string | null;

  @Column('numeric', { nullable: true, transformer: NUMERIC })
  fat_percentage_in_dry_matter!: number | null;

  @Column('numeric', { nullable: true, transformer: NUMERIC })
  percentage_of_alcohol_by_volume!: number | null;

  @Column('numeric', { nullable: true, transformer: NUMERIC })
  nutrient_basis_quantity!: number | null;

  @Column('text', { nullable: true })
  nutrient_basis_quantity_type!: string | null;

  @Column('text', { nullable: true })
  nutrient_basis_quantity_unit!: string | null;

  @Column('numeric', { nullable: true, transformer: NUMERIC })
  serving_size!: number | null;

  @Column('text', { nullable: true })
  serving_size_unit!: string | null;

  @Column('numeric', { nullable: true, transformer: NUMERIC })
  in_package_height!: number | null;

  @Column('text', { nullable: true })
  in_package_height_unit!: string | null;

  @Column('numeric', { nullable: true, transformer: NUMERIC })
  in_package_width!: number | null;

  @Column('text', { nullable: true })
  in_package_width_unit!: string | null;

  @Column('numeric', { nullable: true, transformer: NUMERIC })
  in_package_depth!: number | null;

  @Column('text', { nullable: true })
  in_package_depth_unit!: string | null;

  @Column('text', { nullable: true })
  country_of_origin!: string | null;

  @Column('text', { nullable: true })
  parent_product!: string | null;

  @Column('text', { nullable: true })
  size!: string | null;

  @Column('text', { nullable: true })
  target_consumer_gender!: string | null;

  @Column('text', { nullable: true })
  season_code!: string | null;

  @Column('text', { nullable: true })
  color!: string | null;

  @Column('jsonb')
  translations!: object[];

  @Column('jsonb')
  certifications!: object[];

  @Column('jsonb')
  nutrients!: object[];
}
