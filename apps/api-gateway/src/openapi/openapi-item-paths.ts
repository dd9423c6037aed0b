import { OpenAPIV3 } from 'openapi-types';
import { itemRef, schemaName } from './collection-schema';
import { dtoSchema } from './dto-schema';
import {
  data,
  ERRORS,
  json,
  LIST_PARAMETERS,
  listOf,
  Operation,
  READ_PARAMETERS,
  ref,
  SchemaOrRef,
  WRITE_ERRORS,
} from './openapi-components';
import { OpenApiSources } from './openapi-sources';

/** The `/items` routes of the served collections, and the create / update bodies they take. */
export interface ItemPaths {
  paths: OpenAPIV3.PathsObject;
  /** `<Collection>Create` / `<Collection>Update`, from the writers' DTOs. */
  schemas: Record<string, SchemaOrRef>;
}

/**
 * `/items/<collection>` and `/items/<collection>/{id}` of every served collection: reads for all,
 * writes described from the collection's writer, or refused (400) where it has none.
 */
export function itemPaths(sources: OpenApiSources): ItemPaths {
  const writers = new Map(sources.writers.map((writer) => [writer.collection, writer]));
  const schemas: Record<string, SchemaOrRef> = {};
  const paths: OpenAPIV3.PathsObject = {};
  for (const collection of sources.itemCollections) {
    const definition = sources.collections.get(collection);
    const tag = collection;
    const item = itemRef(collection);
    const writer = writers.get(collection);
    const list: OpenAPIV3.PathItemObject = {
      get: {
        tags: [tag],
        operationId: `read_${collection}_items`,
        summary: `List ${collection} items`,
        description: `\`limit=-1\` reads every row, streamed from a cursor${sources.limits.maxLimit === undefined ? '' : ` (here refused: the maximum is ${sources.limits.maxLimit})`}. \`aggregate\` / \`groupBy\` answer aggregates instead of items.`,
        parameters: LIST_PARAMETERS.map((name) => ref('parameters', name)),
        responses: {
          '200': {
            description: 'The items',
            content: json({
              type: 'object',
              properties: { data: listOf(item), meta: ref('schemas', 'Meta') },
            }),
          },
          ...ERRORS,
        },
      },
    };
    const one: OpenAPIV3.PathItemObject = {
      parameters: [
        {
          name: 'id',
          in: 'path',
          required: true,
          description: `The \`${definition.primaryKey}\`; URL-encode one with slashes (\`%2F01%2F0950...\`).`,
          schema: { type: 'string' },
        },
      ],
      get: {
        tags: [tag],
        operationId: `read_${collection}_item`,
        summary: `Read one ${collection} item`,
        parameters: READ_PARAMETERS.filter((name) => name === 'Fields' || name === 'Deep').map(
          (name) => ref('parameters', name),
        ),
        responses: { '200': data(item, 'The item'), ...ERRORS },
      },
    };
    if (writer) {
      const createName = `${schemaName(collection)}Create`;
      const updateName = `${schemaName(collection)}Update`;
      schemas[createName] = dtoSchema(writer.payloads.create);
      schemas[updateName] = dtoSchema(writer.payloads.update);
      const batch = writer.createMany !== undefined;
      list.post = {
        tags: [tag],
        operationId: `create_${collection}_items`,
        summary: batch ? `Create one ${collection} item, or many` : `Create a ${collection} item`,
        description:
          (batch
            ? `An array creates every item in one transaction or none (at most ${sources.limits.batchMax}), answered in the order sent; a refusal names the item's index in \`extensions.item\`.`
            : 'One item per request.') +
          (sources.restOnly.includes(collection)
            ? " Not in GraphQL: the answer carries, beside each created item, fields shown this once (a webhook's `secret`)."
            : ''),
        parameters: [ref('parameters', 'Fields'), ref('parameters', 'IdempotencyKey')],
        requestBody: {
          required: true,
          content: json(
            batch
              ? {
                  oneOf: [
                    ref('schemas', createName),
                    { ...listOf(ref('schemas', createName)), maxItems: sources.limits.batchMax },
                  ],
                }
              : ref('schemas', createName),
          ),
        },
        responses: {
          '200': data(batch ? { oneOf: [item, listOf(item)] } : item, 'The created item(s)'),
          ...WRITE_ERRORS,
        },
      };
      if (!writer.updateMany) {
        list.patch = {
          tags: [tag],
          operationId: `update_${collection}_items`,
          summary: `Not for ${collection}: one item at a time`,
          description: `\`${collection}\` items are updated one per request, at \`/items/${collection}/{id}\`: this answers 400.`,
          responses: { '400': ref('responses', 'InvalidPayload') },
        };
      } else {
        list.patch = {
          tags: [tag],
          operationId: `update_${collection}_items`,
          summary: `Update many ${collection} items`,
          description:
            'By keys (`{keys, data}`), by query (`{query, data}`) or a list of items with their keys: all in one transaction or none.',
          parameters: [
            ...READ_PARAMETERS.map((name) => ref('parameters', name)),
            ref('parameters', 'IdempotencyKey'),
          ],
          requestBody: {
            required: true,
            content: json({
              oneOf: [
                {
                  type: 'object',
                  required: ['keys', 'data'],
                  properties: {
                    keys: listOf({ type: 'string' }),
                    data: ref('schemas', updateName),
                  },
                },
                {
                  type: 'object',
                  required: ['query', 'data'],
                  properties: { query: { type: 'object' }, data: ref('schemas', updateName) },
                },
                listOf({
                  allOf: [
                    ref('schemas', updateName),
                    {
                      type: 'object',
                      required: [definition.primaryKey],
                      properties: { [definition.primaryKey]: { type: 'string' } },
                    },
                  ],
                }),
              ],
            }),
          },
          responses: { '200': data(listOf(item), 'The updated items'), ...WRITE_ERRORS },
        };
      }
      one.patch = {
        tags: [tag],
        operationId: `update_${collection}_item`,
        summary: `Update a ${collection} item`,
        parameters: [ref('parameters', 'Fields'), ref('parameters', 'IdempotencyKey')],
        requestBody: { required: true, content: json(ref('schemas', updateName)) },
        responses: { '200': data(item, 'The updated item'), ...WRITE_ERRORS },
      };
      one.delete = {
        tags: [tag],
        operationId: `delete_${collection}_item`,
        summary: `Delete a ${collection} item`,
        parameters: [ref('parameters', 'IdempotencyKey')],
        responses: { '204': { description: 'Deleted' }, ...WRITE_ERRORS },
      };
    }
    if (!writer) {
      // A read-only collection: its write routes exist and answer 400 "read-only".
      const readOnly = (verb: string): Operation => ({
        tags: [tag],
        operationId: `${verb}_${collection}_refused`,
        summary: `Not for ${collection}: it is read-only`,
        responses: { '400': ref('responses', 'InvalidPayload') },
      });
      list.post = readOnly('create');
      list.patch = readOnly('update_many');
      one.patch = readOnly('update');
      one.delete = readOnly('delete');
    }
    paths[`/items/${collection}`] = list;
    paths[`/items/${collection}/{id}`] = one;
  }
  return { paths, schemas };
}
