import { AUDIT_FIELDS } from '@sid/accounts';
import { CollectionDefinition } from '@sid/shared/items';

export const CODE_RESERVATION_COLLECTION: CollectionDefinition = {
  name: 'code_reservation',
  table: 'code_reservation',
  primaryKey: 'id',
  tenantField: 'account',
  searchFields: ['reference_id', 'purchase_order', 'product', 'error_message'],
  fields: {
    id: { type: 'uuid' },
    reserved_for: { type: 'string', relation: { kind: 'm2o', collection: 'organisation' } },
    code_type: { type: 'string' },
    quantity: { type: 'integer' },
    status: { type: 'string' },
    export_type: { type: 'string' },
    export_file: { type: 'uuid', relation: { kind: 'm2o', collection: 'file' } },
    url_suffix: { type: 'string' },
    product: { type: 'string', relation: { kind: 'm2o', collection: 'product' } },
    quantity_reserved: { type: 'integer' },
    error_message: { type: 'string' },
    reference_id: { type: 'string' },
    purchase_order: { type: 'string' },
    account: { type: 'uuid', relation: { kind: 'm2o', collection: 'account' } },
    codes: {
      type: 'uuid',
      relation: { kind: 'o2m', collection: 'unique_code', field: 'reservation' },
    },
    ...AUDIT_FIELDS,
  },
};
