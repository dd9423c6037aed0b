import { InvalidQueryError } from '@sid/shared/errors';
import { CollectionDefinition } from '@sid/shared/items';
import { SortField } from './item-query';
import { columnRef, fieldOf } from './sql-fragments';

/** Sorting is on the collection's own columns (a many-to-one field sorts by its key). */
export function checkSort(
  definition: CollectionDefinition,
  sort: SortField[],
  param: string,
): void {
  for (const { field: name } of sort) {
    const field = fieldOf(definition, name, param);
    if (field.relation?.kind === 'o2m') {
      throw new InvalidQueryError(
        `"${param}": "${name}" is a one-to-many field and cannot be sorted on.`,
      );
    }
    if (field.type === 'json') {
      throw new InvalidQueryError(`"${param}": "${name}" is a JSON field and cannot be sorted on.`);
    }
  }
}

/** The ORDER BY list, always ending with the primary key so that pages are stable. */
export function orderBy(
  definition: CollectionDefinition,
  alias: string,
  sort: SortField[],
  param: string,
): string {
  checkSort(definition, sort, param);
  const keys = sort.some((item) => item.field === definition.primaryKey)
    ? sort
    : [...sort, { field: definition.primaryKey, direction: 'asc' as const }];
  return keys
    .map(
      ({ field, direction }) => `${columnRef(alias, definition, field)} ${direction.toUpperCase()}`,
    )
    .join(', ');
}
