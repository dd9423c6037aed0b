/**
 * Fields that, in TrackVision, link to reference collections this server does not hold (brands,
 * units of measure, packaging type codes, countries). We store only their key. TrackVision's
 * GraphQL documents select them as objects (`net_weight_unit { code name }`), so the schema offers
 * a small object type for each: its key field carries the stored value, the other fields are
 * always null. Selected without sub-fields, such a field gives the stored value itself.
 */
export interface ReferenceType {
  /** GraphQL type name (TrackVision's collection name). */
  name: string;
  /** The field holding the stored value. */
  key: string;
  /** Type of the key: `ID` for uuids, else `String`. */
  keyType: 'ID' | 'String';
  /** Every field of the type, the key included; all but the key resolve to null. */
  fields: string[];
}

const BRAND: ReferenceType = { name: 'brand', key: 'id', keyType: 'ID', fields: ['id', 'name'] };

const UNIT: ReferenceType = {
  name: 'ref_uom',
  key: 'code',
  keyType: 'String',
  fields: ['code', 'name'],
};

const PACKAGING_TYPE: ReferenceType = {
  name: 'ref_packaging_type_codes',
  key: 'code',
  keyType: 'String',
  fields: ['code', 'packaging_type_name', 'description'],
};

const COUNTRY: ReferenceType = {
  name: 'ref_country',
  key: 'code',
  keyType: 'String',
  fields: ['code', 'name'],
};

/** Collection → field → the reference type it points to. */
export const REFERENCE_FIELDS: Readonly<Record<string, Readonly<Record<string, ReferenceType>>>> = {
  product: {
    brand: BRAND,
    packaging_type_code: PACKAGING_TYPE,
    net_weight_unit: UNIT,
    gross_weight_unit: UNIT,
    net_content_unit: UNIT,
    nutrient_basis_quantity_unit: UNIT,
    serving_size_unit: UNIT,
    in_package_height_unit: UNIT,
    in_package_width_unit: UNIT,
    in_package_depth_unit: UNIT,
    country_of_origin: COUNTRY,
  },
};

export function referenceOf(collection: string, field: string): ReferenceType | undefined {
  const fields = Object.hasOwn(REFERENCE_FIELDS, collection) ? REFERENCE_FIELDS[collection] : {};
  return Object.hasOwn(fields, field) ? fields[field] : undefined;
}
