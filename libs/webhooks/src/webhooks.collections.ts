import { AUDIT_FIELDS } from '@sid/accounts';
import { CollectionDefinition } from '@sid/shared/items';

/** `/items/webhook`: the secret is never a field: it is shown once, in the answer to the POST. */
export const WEBHOOK_COLLECTION: CollectionDefinition = {
  name: 'webhook',
  table: 'webhook',
  primaryKey: 'id',
  tenantField: 'account',
  searchFields: ['url'],
  fields: {
    id: { type: 'uuid' },
    account: { type: 'uuid', relation: { kind: 'm2o', collection: 'account' } },
    url: { type: 'string' },
    events: { type: 'json' },
    active: { type: 'boolean' },
    deliveries: {
      type: 'uuid',
      relation: { kind: 'o2m', collection: 'webhook_delivery', field: 'webhook' },
    },
    ...AUDIT_FIELDS,
  },
};

/** `/items/webhook_delivery`: read-only log of every delivery, its attempts and last answer. */
export const WEBHOOK_DELIVERY_COLLECTION: CollectionDefinition = {
  name: 'webhook_delivery',
  table: 'webhook_delivery',
  primaryKey: 'id',
  tenantField: 'account',
  searchFields: ['event', 'status'],
  fields: {
    id: { type: 'uuid' },
    account: { type: 'uuid', relation: { kind: 'm2o', collection: 'account' } },
    webhook: { type: 'uuid', relation: { kind: 'm2o', collection: 'webhook' } },
    event_id: { type: 'uuid' },
    event: { type: 'string' },
    status: { type: 'string' },
    attempts: { type: 'integer' },
    last_response_code: { type: 'integer' },
    last_error: { type: 'string' },
    date_created: { type: 'timestamp' },
    date_updated: { type: 'timestamp' },
    delivered_at: { type: 'timestamp' },
  },
};
