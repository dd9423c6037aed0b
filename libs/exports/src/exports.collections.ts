import { CollectionDefinition } from '@sid/shared/items';

/** Files as Directus shows them at `/files/<id>` (and as `export_file.*`). */
export const FILE_COLLECTION: CollectionDefinition = {
  name: 'file',
  table: 'file',
  primaryKey: 'id',
  tenantField: 'account',
  searchFields: ['filename_download', 'title'],
  fields: {
    id: { type: 'uuid' },
    storage: { type: 'string' },
    filename_download: { type: 'string' },
    title: { type: 'string' },
    type: { type: 'string' },
    filesize: { type: 'bigInteger' },
    checksum: { type: 'string' },
    uploaded_by: { type: 'uuid', relation: { kind: 'm2o', collection: 'users' } },
    uploaded_on: { type: 'timestamp' },
    account: { type: 'uuid', relation: { kind: 'm2o', collection: 'account' } },
  },
};
