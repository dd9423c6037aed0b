import { CollectionDefinition } from '@sid/shared/items';

/**
 * Is `$1` the primary key of a row of account `$2` in the collection? Identifiers come only from
 * the collection's definition (never from a request); both values are bound.
 */
export function itemOfAccountSql(definition: CollectionDefinition): string {
  const column = (name: string) => `"${definition.fields[name]?.column ?? name}"`;
  const keyType = definition.fields[definition.primaryKey].type === 'uuid' ? 'uuid' : 'text';
  return (
    `SELECT 1 FROM "${definition.table}" ` +
    `WHERE ${column(definition.primaryKey)} = $1::${keyType} ` +
    `AND ${column(definition.tenantField as string)} = $2::uuid LIMIT 1`
  );
}
