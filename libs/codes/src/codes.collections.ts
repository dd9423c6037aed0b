import { AUDIT_FIELDS } from '@sid/accounts';
import { CollectionDefinition } from '@sid/shared/items';

export const IDENTIFIER_JOB_COLLECTION: CollectionDefinition = {
  name: 'identifier_job',
  table: 'identifier_job',
  primaryKey: 'id',
  tenantField: 'account',
  searchFields: ['reference_id', 'product', 'error_message'],
  fields: {
    id: { type: 'uuid' },
    length: { type: 'integer' },
    quantity: { type: 'integer' },
    account: { type: 'uuid', relation: { kind: 'm2o', collection: 'account' } },
    reference_id: { type: 'string' },
    type: { type: 'string' },
    product: { type: 'string', relation: { kind: 'm2o', collection: 'product' } },
    character_set: { type: 'string' },
    status: { type: 'string' },
    sscc_start_serial: { type: 'bigInteger' },
    sscc_extension_digit: { type: 'integer' },
    sscc_company_prefix: { type: 'string' },
    domain: { type: 'uuid', relation: { kind: 'm2o', collection: 'domain' } },
    error_message: { type: 'string' },
    quantity_created: { type: 'integer' },
    epc_mode: { type: 'boolean' },
    code_reservation: { type: 'uuid', relation: { kind: 'm2o', collection: 'code_reservation' } },
    code_pool: { type: 'uuid', relation: { kind: 'm2o', collection: 'code_pool' } },
    codes: {
      type: 'uuid',
      relation: { kind: 'o2m', collection: 'unique_code', field: 'identifier_job' },
    },
    ...AUDIT_FIELDS,
  },
};

export const UNIQUE_CODE_COLLECTION: CollectionDefinition = {
  name: 'unique_code',
  table: 'unique_code',
  primaryKey: 'id',
  tenantField: 'account',
  searchFields: ['code', 'custom_id', 'epc_join_key'],
  // Kept by the triggers of the CodeTally migration: counts by these fields read no codes.
  tally: {
    table: 'unique_code_tally',
    countColumn: 'codes',
    fields: ['identifier_job', 'product', 'type', 'status', 'activation_status', 'workorder'],
  },
  fields: {
    id: { type: 'uuid' },
    digital_link: { type: 'string' },
    code: { type: 'string' },
    product: { type: 'string', relation: { kind: 'm2o', collection: 'product' } },
    identifier_job: { type: 'uuid', relation: { kind: 'm2o', collection: 'identifier_job' } },
    epc_join_key: { type: 'string' },
    epc_uri: { type: 'string' },
    epc_hex: { type: 'string' },
    status: { type: 'string' },
    reservation: { type: 'uuid', relation: { kind: 'm2o', collection: 'code_reservation' } },
    type: { type: 'string' },
    custom_id: { type: 'string' },
    account: { type: 'uuid', relation: { kind: 'm2o', collection: 'account' } },
    /** 0 inactive, 1 active, 2 blacklisted (every type; generated codes start active). */
    activation_status: { type: 'integer' },
    blacklist_reason: { type: 'string', maxLength: 500 },
    /** SCM fields of an uploaded (`custom`) code. */
    scm_data: { type: 'json' },
    /** The workorder an uploaded code came in with. */
    workorder: { type: 'bigInteger' },
    ...AUDIT_FIELDS,
  },
};
