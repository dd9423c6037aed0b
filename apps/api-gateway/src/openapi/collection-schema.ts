import { OpenAPIV3 } from 'openapi-types';
import { CollectionDefinition, FieldDefinition, FieldType } from '@sid/shared/items';

type Schema = OpenAPIV3.SchemaObject;
type SchemaOrRef = OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject;

/** How each field type reads in JSON (bigints and decimals come as PostgreSQL writes them). */
const FIELD_SCHEMAS: Record<FieldType, Schema> = {
  string: { type: 'string' },
  integer: { type: 'integer', format: 'int32' },
  bigInteger: { type: 'integer', format: 'int64' },
  float: { type: 'number' },
  boolean: { type: 'boolean' },
  timestamp: { type: 'string', format: 'date-time' },
  uuid: { type: 'string', format: 'uuid' },
  json: {},
};

/** `#/components/schemas/<name>` of a collection's item. */
export function itemRef(collection: string): OpenAPIV3.ReferenceObject {
  return { $ref: `#/components/schemas/${schemaName(collection)}` };
}

/** Schema names are the collection names, prefixed as Directus does for its system ones. */
export function schemaName(collection: string): string {
  return `Items${collection
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}`;
}

/**
 * An item of a collection as reads answer it, from its definition: every field with its type;
 * a many-to-one field is its key, or the related item when `fields` asks into it (`rel.*`); a
 * one-to-many field is a list of keys or of related items, and only there when asked for.
 * Every field may be left out (`fields`), and any may be null.
 */
export function collectionSchema(
  definition: CollectionDefinition,
  keyOf: (collection: string) => FieldDefinition,
): Schema {
  const properties: Record<string, SchemaOrRef> = {};
  for (const [name, field] of Object.entries(definition.fields)) {
    const own: Schema = { ...FIELD_SCHEMAS[field.type] };
    if (field.maxLength !== undefined) own.maxLength = field.maxLength;
    const relation = field.relation;
    if (relation?.kind === 'm2o') {
      properties[name] = {
        nullable: true,
        oneOf: [{ ...own, description: 'the key' }, itemRef(relation.collection)],
      };
    } else if (relation?.kind === 'o2m') {
      const key: Schema = { ...FIELD_SCHEMAS[keyOf(relation.collection).type] };
      properties[name] = {
        type: 'array',
        description: `Only when asked for (\`fields=${name}\` or \`${name}.*\`): keys or items of ${relation.collection}.`,
        items: { oneOf: [key, itemRef(relation.collection)] },
      };
    } else {
      properties[name] = { ...own, nullable: name !== definition.primaryKey };
    }
  }
  return {
    type: 'object',
    description: `An item of \`${definition.name}\`; \`${definition.primaryKey}\` is its key.`,
    properties,
  };
}
