import { AUDIT_FIELDS } from '@sid/accounts';
import { CollectionDefinition } from '@sid/shared/items';

/**
 * `/items/code_pool` reads the `code_pool_level` view: each policy with its live level
 * (`unassigned_count`, read-only) and its latest refill (`refill_job`, e.g.
 * `fields=*,refill_job.status,refill_job.error_message`). Writes go to `code_pool`.
 */
export const CODE_POOL_COLLECTION: CollectionDefinition = {
  name: 'code_pool',
  table: 'code_pool_level',
  primaryKey: 'id',
  tenantField: 'account',
  searchFields: ['product', 'code_type'],
  fields: {
    id: { type: 'uuid' },
    account: { type: 'uuid', relation: { kind: 'm2o', collection: 'account' } },
    product: { type: 'string', relation: { kind: 'm2o', collection: 'product' } },
    code_type: { type: 'string' },
    min_unassigned: { type: 'integer' },
    refill_quantity: { type: 'integer' },
    length: { type: 'integer' },
    character_set: { type: 'string' },
    sscc_company_prefix: { type: 'string' },
    sscc_extension_digit: { type: 'integer' },
    unassigned_count: { type: 'integer' },
    refill_job: { type: 'uuid', relation: { kind: 'm2o', collection: 'identifier_job' } },
    refill_jobs: {
      type: 'uuid',
      relation: { kind: 'o2m', collection: 'identifier_job', field: 'code_pool' },
    },
    ...AUDIT_FIELDS,
  },
};
