import { CollectionDefinition } from '@sid/shared/items';
import { CollectionRegistry } from '@sid/shared/items';

/**
 * Test fixture (not exported from the lib): a cut-down version of the real collections, shared
 * by the unit and integration suites. `TEST_SCHEMA_SQL` creates matching tables.
 */
const tenant = { type: 'uuid', relation: { kind: 'm2o', collection: 'account' } } as const;

export const WIDE_FIELD_COUNT = 60;

export const TEST_COLLECTIONS: CollectionDefinition[] = [
  {
    name: 'account',
    table: 'account',
    primaryKey: 'id',
    tenantField: 'id',
    fields: { id: { type: 'uuid' }, name: { type: 'string' } },
  },
  {
    name: 'product',
    table: 'product',
    primaryKey: 'id',
    tenantField: 'account',
    searchFields: ['product_name', 'gtin'],
    fields: {
      id: { type: 'string' },
      gtin: { type: 'string' },
      product_name: { type: 'string' },
      net_weight: { type: 'float' },
      finished_product: { type: 'boolean' },
      attributes: { type: 'json' },
      parent_product: { type: 'string', relation: { kind: 'm2o', collection: 'product' } },
      account: tenant,
      date_created: { type: 'timestamp' },
    },
  },
  {
    name: 'identifier_job',
    table: 'identifier_job',
    primaryKey: 'id',
    tenantField: 'account',
    fields: {
      id: { type: 'uuid' },
      reference_id: { type: 'string' },
      status: { type: 'string' },
      quantity: { type: 'integer' },
      product: { type: 'string', relation: { kind: 'm2o', collection: 'product' } },
      account: tenant,
    },
  },
  {
    name: 'code_reservation',
    table: 'code_reservation',
    primaryKey: 'id',
    tenantField: 'account',
    fields: {
      id: { type: 'uuid' },
      reference_id: { type: 'string' },
      status: { type: 'string' },
      quantity: { type: 'integer' },
      product: { type: 'string', relation: { kind: 'm2o', collection: 'product' } },
      account: tenant,
      codes: {
        type: 'uuid',
        relation: { kind: 'o2m', collection: 'unique_code', field: 'reservation' },
      },
    },
  },
  {
    name: 'unique_code',
    table: 'unique_code',
    primaryKey: 'id',
    tenantField: 'account',
    searchFields: ['code', 'digital_link'],
    fields: {
      id: { type: 'uuid' },
      code: { type: 'string' },
      digital_link: { type: 'string' },
      status: { type: 'string' },
      type: { type: 'string' },
      serial: { type: 'bigInteger' },
      epc_join_key: { type: 'string', column: 'epc_key' },
      product: { type: 'string', relation: { kind: 'm2o', collection: 'product' } },
      identifier_job: { type: 'uuid', relation: { kind: 'm2o', collection: 'identifier_job' } },
      reservation: { type: 'uuid', relation: { kind: 'm2o', collection: 'code_reservation' } },
      account: tenant,
      date_created: { type: 'timestamp' },
    },
  },
  {
    name: 'wide',
    table: 'wide',
    primaryKey: 'id',
    fields: Object.fromEntries([
      ['id', { type: 'integer' }],
      ...Array.from({ length: WIDE_FIELD_COUNT }, (_, i) => [`f${i + 1}`, { type: 'string' }]),
    ]),
  },
];

export function testRegistry(): CollectionRegistry {
  return new CollectionRegistry(TEST_COLLECTIONS);
}

export const TEST_SCHEMA_SQL = `
CREATE TABLE account (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE product (
  id text PRIMARY KEY, gtin text, product_name text, net_weight numeric, finished_product boolean,
  attributes jsonb, parent_product text REFERENCES product(id),
  account uuid NOT NULL REFERENCES account(id), date_created timestamptz NOT NULL DEFAULT now());
CREATE TABLE identifier_job (
  id uuid PRIMARY KEY, reference_id text, status text NOT NULL, quantity integer NOT NULL,
  product text REFERENCES product(id), account uuid NOT NULL REFERENCES account(id));
CREATE TABLE code_reservation (
  id uuid PRIMARY KEY, reference_id text, status text NOT NULL, quantity integer NOT NULL,
  product text REFERENCES product(id), account uuid NOT NULL REFERENCES account(id));
CREATE TABLE unique_code (
  id uuid PRIMARY KEY, code text NOT NULL, digital_link text, status text NOT NULL, type text,
  serial bigint, epc_key text, product text REFERENCES product(id),
  identifier_job uuid REFERENCES identifier_job(id), reservation uuid REFERENCES code_reservation(id),
  account uuid NOT NULL REFERENCES account(id), date_created timestamptz NOT NULL);
CREATE TABLE wide (id integer PRIMARY KEY, ${Array.from({ length: WIDE_FIELD_COUNT }, (_, i) => `f${i + 1} text`).join(', ')});
`;
