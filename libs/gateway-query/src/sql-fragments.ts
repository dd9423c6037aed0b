import { InvalidQueryError } from '@sid/shared/errors';
import { CollectionDefinition, FieldDefinition, FieldType } from '@sid/shared/items';

/**
 * Small SQL builders. Everything that reaches SQL text here is a name from a collection
 * definition (checked by the registry) or a generated alias; user input only ever picks which.
 */

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function tableRef(definition: CollectionDefinition): string {
  return definition.table.split('.').map(quoteIdentifier).join('.');
}

/** @throws InvalidQueryError naming where the field was used and in which collection. */
export function fieldOf(
  definition: CollectionDefinition,
  name: string,
  where: string,
): FieldDefinition {
  if (!Object.hasOwn(definition.fields, name)) {
    throw new InvalidQueryError(
      `"${where}": field "${name}" does not exist in collection "${definition.name}".`,
      { collection: definition.name, field: name },
    );
  }
  return definition.fields[name];
}

export function columnRef(alias: string, definition: CollectionDefinition, field: string): string {
  return `${alias}.${quoteIdentifier(definition.fields[field].column ?? field)}`;
}

/** The PostgreSQL type a parameter compared with a field of this type is cast to. */
export function castOf(type: FieldType): string {
  switch (type) {
    case 'string':
      return 'text';
    case 'integer':
    case 'bigInteger':
      return 'bigint';
    case 'float':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'timestamptz';
    case 'uuid':
      return 'uuid';
    case 'json':
      return 'jsonb';
  }
}

/** Timestamps as Directus renders them: ISO-8601 in UTC with milliseconds and `Z`. */
export function renderValue(expression: string, type: FieldType): string {
  return type === 'timestamp'
    ? `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : expression;
}

/** A field's value as it goes into JSON. */
export function jsonValue(alias: string, definition: CollectionDefinition, field: string): string {
  return renderValue(columnRef(alias, definition, field), definition.fields[field].type);
}

/** json_build_object takes at most 100 arguments: wider objects are merged as jsonb (key order is then jsonb's). */
const PAIRS_PER_CALL = 50;

export function jsonObject(pairs: [key: string, expression: string][]): string {
  const calls: string[] = [];
  for (let start = 0; start === 0 || start < pairs.length; start += PAIRS_PER_CALL) {
    const args = pairs
      .slice(start, start + PAIRS_PER_CALL)
      .map(([key, expression]) => `${quoteLiteral(key)}, ${expression}`);
    calls.push(`json_build_object(${args.join(', ')})`);
  }
  return calls.length === 1 ? calls[0] : `(${calls.map((c) => `${c}::jsonb`).join(' || ')})::json`;
}

/** Escapes LIKE wildcards so a value is matched literally inside a pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
