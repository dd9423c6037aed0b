import { ACCOUNT_COLLECTION, USERS_COLLECTION } from '@sid/accounts';
import { DOMAIN_COLLECTION, ORGANISATION_COLLECTION, PRODUCT_COLLECTION } from '@sid/catalog';
import {
  CODE_POOL_COLLECTION,
  IDENTIFIER_JOB_COLLECTION,
  UNIQUE_CODE_COLLECTION,
} from '@sid/codes';
import { FILE_COLLECTION } from '@sid/exports';
import { CODE_RESERVATION_COLLECTION } from '@sid/reservations';
import { CollectionRegistry } from '@sid/shared/items';
import { WEBHOOK_COLLECTION, WEBHOOK_DELIVERY_COLLECTION } from '@sid/webhooks';

/** Every collection the API knows, for reads, relations and GraphQL. */
export const COLLECTIONS = new CollectionRegistry([
  ACCOUNT_COLLECTION,
  USERS_COLLECTION,
  ORGANISATION_COLLECTION,
  DOMAIN_COLLECTION,
  PRODUCT_COLLECTION,
  IDENTIFIER_JOB_COLLECTION,
  UNIQUE_CODE_COLLECTION,
  CODE_RESERVATION_COLLECTION,
  FILE_COLLECTION,
  CODE_POOL_COLLECTION,
  WEBHOOK_COLLECTION,
  WEBHOOK_DELIVERY_COLLECTION,
]);

/** Collections reachable at `/items/<collection>`; `users`, `account` and `file` are read through relations and `/files`. */
export const ITEM_COLLECTIONS = [
  'product',
  'organisation',
  'domain',
  'identifier_job',
  'unique_code',
  'code_reservation',
  'code_pool',
] as const;

/**
 * Collections at `/items/<collection>` but not in GraphQL: a webhook's secret is shown once, in
 * the REST answer to its creation, which GraphQL's typed selection could not carry.
 */
export const REST_ONLY_COLLECTIONS = ['webhook', 'webhook_delivery'] as const;
