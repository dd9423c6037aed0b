import { Actor } from '@sid/shared/items';

/** The permission strings of Scantrust's UAT tokens, as its upload API names them. */
export const SCANTRUST_PERMISSIONS = [
  'ingestion_code_create',
  'ingestion_view',
  'ingestion_cancel',
  'workorder_view',
  'workorder_download',
  'workorder_sid_download',
  'product_view',
] as const;

export type ScantrustPermission = (typeof SCANTRUST_PERMISSIONS)[number];

/** A caller of the Scantrust API: the actor and what its token may do. */
export interface ScantrustCaller extends Actor {
  permissions: ReadonlySet<ScantrustPermission>;
}
