import { CollectionDefinition } from '@sid/shared/items';

/** `user_created` / `user_updated` point here (Directus' `directus_users`); tokens never leave. */
export const USERS_COLLECTION: CollectionDefinition = {
  name: 'users',
  table: 'app_user',
  primaryKey: 'id',
  tenantField: 'account',
  searchFields: ['email', 'first_name', 'last_name'],
  fields: {
    id: { type: 'uuid' },
    email: { type: 'string' },
    first_name: { type: 'string' },
    last_name: { type: 'string' },
    role: { type: 'string' },
    status: { type: 'string' },
    account: { type: 'uuid', relation: { kind: 'm2o', collection: 'account' } },
  },
};

export const ACCOUNT_COLLECTION: CollectionDefinition = {
  name: 'account',
  table: 'account',
  primaryKey: 'id',
  tenantField: 'id',
  searchFields: ['name'],
  fields: {
    id: { type: 'uuid' },
    name: { type: 'string' },
    date_created: { type: 'timestamp' },
    date_updated: { type: 'timestamp' },
  },
};

/** The four audit fields every collection carries, set by the server. */
export const AUDIT_FIELDS: CollectionDefinition['fields'] = {
  user_created: { type: 'uuid', relation: { kind: 'm2o', collection: 'users' } },
  date_created: { type: 'timestamp' },
  user_updated: { type: 'uuid', relation: { kind: 'm2o', collection: 'users' } },
  date_updated: { type: 'timestamp' },
};
