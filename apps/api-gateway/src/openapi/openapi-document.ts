import { OpenAPIV3 } from 'openapi-types';
import { CollectionRegistry, CollectionWriter, WriterPayloads } from '@sid/shared/items';
import { collectionSchema, itemRef, schemaName } from './collection-schema';
import { dtoSchema } from './dto-schema';

type Operation = OpenAPIV3.OperationObject;
type Schema = OpenAPIV3.SchemaObject;
type SchemaOrRef = OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject;

export interface OpenApiSources {
  /** Every collection definition (relations point into all of them). */
  collections: CollectionRegistry;
  /** Those served at `/items/<collection>` (REST and GraphQL alike, or REST only). */
  itemCollections: readonly string[];
  /** Those of them not in GraphQL, whose creation may answer fields shown only then. */
  restOnly: readonly string[];
  /** The item writers, whose DTOs describe the create and update bodies. */
  writers: CollectionWriter[];
  /** The DTOs of `POST /users` and `PATCH /users/<id>`. */
  users: WriterPayloads;
  limits: { defaultLimit: number; maxLimit?: number; batchMax: number };
  version: string;
}

const ref = (kind: 'schemas' | 'parameters' | 'responses', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});
const json = (schema: SchemaOrRef): Record<string, OpenAPIV3.MediaTypeObject> => ({
  'application/json': { schema },
});
const data = (schema: SchemaOrRef, description: string): OpenAPIV3.ResponseObject => ({
  description,
  content: json({ type: 'object', properties: { data: schema }, required: ['data'] }),
});
const listOf = (schema: SchemaOrRef): Schema => ({ type: 'array', items: schema });

/** The error answers every operation may give, in the Directus envelope. */
const ERRORS: OpenAPIV3.ResponsesObject = {
  '400': ref('responses', 'InvalidPayload'),
  '401': ref('responses', 'Unauthorized'),
  '403': ref('responses', 'Forbidden'),
  '429': ref('responses', 'TooManyRequests'),
  '503': ref('responses', 'ServiceUnavailable'),
};
const WRITE_ERRORS: OpenAPIV3.ResponsesObject = {
  ...ERRORS,
  '409': ref('responses', 'IdempotencyKeyInUse'),
  '422': ref('responses', 'IdempotencyKeyReused'),
};
const READ_PARAMETERS = [
  'Fields',
  'Filter',
  'Search',
  'Sort',
  'Limit',
  'Offset',
  'Page',
  'Meta',
  'Deep',
];
const LIST_PARAMETERS = [...READ_PARAMETERS, 'Aggregate', 'GroupBy'];
const PUBLIC: OpenAPIV3.SecurityRequirementObject[] = [];

/**
 * The OpenAPI 3 document of the gateway (`GET /server/specs/oas`, as in Directus), generated
 * from what the code itself runs on: the collection definitions (items, their fields, types and
 * relations), the writers' validation DTOs (create and update bodies), the users DTOs and the
 * configured limits. Routes outside `/items` are described here, beside the controllers they
 * mirror; a test reads the routes the gateway registers and fails on any this does not show.
 */
export function buildOpenApiDocument(sources: OpenApiSources): OpenAPIV3.Document {
  const writers = new Map(sources.writers.map((writer) => [writer.collection, writer]));
  const schemas: Record<string, SchemaOrRef> = {
    Error: {
      type: 'object',
      description: "Every error, in Directus' envelope; `extensions.code` is stable.",
      required: ['errors'],
      properties: {
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['message', 'extensions'],
            properties: {
              message: { type: 'string' },
              extensions: {
                type: 'object',
                required: ['code'],
                properties: {
                  code: {
                    type: 'string',
                    example: 'INVALID_PAYLOAD',
                    description:
                      'INVALID_PAYLOAD, INVALID_QUERY, INVALID_CREDENTIALS, FORBIDDEN, RECORD_NOT_UNIQUE, REQUESTS_EXCEEDED, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_KEY_IN_USE, SERVICE_UNAVAILABLE, INTERNAL_SERVER_ERROR',
                  },
                  field: { type: 'string', description: 'The field a refusal is about.' },
                  item: {
                    type: 'integer',
                    description: 'In a batch create, the index of the refused item.',
                  },
                },
                additionalProperties: true,
              },
            },
          },
        },
      },
    },
    ScantrustError: {
      type: 'object',
      description:
        'Errors of `/api/v2`, as Django REST framework writes them: `{"detail": "..."}`, or `{"<field>": ["..."]}`.',
      properties: { detail: { type: 'string' } },
      additionalProperties: { type: 'array', items: { type: 'string' } },
    },
    Meta: {
      type: 'object',
      properties: { total_count: { type: 'integer' }, filter_count: { type: 'integer' } },
    },
    AuthTokens: {
      type: 'object',
      description:
        '`json` mode: all three; `cookie` mode: no refresh_token (it is in an httpOnly cookie); `session` mode: `expires` only (both tokens in cookies).',
      properties: {
        access_token: { type: 'string', description: 'A JWT, for `Authorization: Bearer`.' },
        expires: { type: 'integer', description: 'Lifetime of the access token (ms).' },
        refresh_token: { type: 'string' },
      },
      required: ['expires'],
    },
    CreateUser: dtoSchema(sources.users.create),
    UpdateUser: dtoSchema(sources.users.update),
    CreatedUser: {
      type: 'object',
      properties: {
        id: { type: 'string', format: 'uuid' },
        email: { type: 'string' },
        role: { type: 'string' },
        account: { type: 'string', format: 'uuid' },
        token: { type: 'string', description: 'The static token, shown this once.' },
      },
    },
  };
  for (const definition of sources.collections.all()) {
    schemas[schemaName(definition.name)] = collectionSchema(definition, (c) => keyOf(sources, c));
  }

  const paths: OpenAPIV3.PathsObject = { ...fixedPaths(), ...scantrustPaths() };
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

  return {
    openapi: '3.0.3',
    info: {
      title: 'Serialized identifiers API',
      version: sources.version,
      description:
        "Directus-compatible REST and GraphQL API for GS1 products, identifier jobs, codes and reservations. Authenticate with `Authorization: Bearer <token>` (a static token, or a login's access token), `?access_token=`, or the session cookie of a `session` login. POST, PATCH and DELETE take an `Idempotency-Key`.",
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { accessToken: [] }, { sessionCookie: [] }],
    tags: [
      { name: 'server' },
      { name: 'auth' },
      { name: 'users' },
      { name: 'files' },
      { name: 'graphql' },
      {
        name: 'scantrust',
        description:
          "Scantrust's code upload API (`/api/v2`): `Authorization: UAT <token>`, errors in Django REST framework's shape.",
      },
      ...sources.itemCollections.map((name) => ({ name, description: `\`/items/${name}\`` })),
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: "A static token, or a login's access token (JWT).",
        },
        accessToken: { type: 'apiKey', in: 'query', name: 'access_token' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'directus_session_token' },
        uat: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            "Scantrust's API: `UAT <static token>`; the user's permission strings apply.",
        },
      },
      schemas,
      parameters: queryParameters(sources.limits),
      responses: errorResponses(),
    },
  };
}

function keyOf(sources: OpenApiSources, collection: string) {
  const definition = sources.collections.get(collection);
  return definition.fields[definition.primaryKey];
}

/** Directus' global query parameters, as @sid/gateway-query parses them. */
function queryParameters(
  limits: OpenApiSources['limits'],
): Record<string, OpenAPIV3.ParameterObject> {
  const query = (
    name: string,
    description: string,
    schema: Schema = { type: 'string' },
  ): OpenAPIV3.ParameterObject => ({ name, in: 'query', required: false, description, schema });
  return {
    Fields: query(
      'fields',
      'Fields to return: a comma list; `*`, `rel.field`, `rel.*`, `*.*`; one-to-many fields only when named.',
    ),
    Filter: query(
      'filter',
      'Directus filter rules, as JSON or nested brackets (`filter[status][_eq]=new`): _eq _neq _lt _lte _gt _gte _in _nin _null _nnull _contains _icontains _starts_with _ends_with _between _empty (and their negations), _and/_or, _some/_none, $NOW, $CURRENT_USER.',
      { type: 'object', additionalProperties: true },
    ),
    Search: query('search', 'Case-insensitive search over the search fields.'),
    Sort: query('sort', 'Comma list of fields; `-field` for descending.'),
    Limit: query(
      'limit',
      `Items per page (default ${limits.defaultLimit}); -1 for every row${limits.maxLimit === undefined ? ', streamed' : `; at most ${limits.maxLimit}, more is a 400`}.`,
      {
        type: 'integer',
        minimum: -1,
        ...(limits.maxLimit === undefined ? {} : { maximum: limits.maxLimit }),
      },
    ),
    Offset: query('offset', 'Items to skip.', { type: 'integer', minimum: 0 }),
    Page: query('page', 'Page number (from 1), with `limit`.', { type: 'integer', minimum: 1 }),
    Meta: query('meta', '`total_count`, `filter_count` or `*`.'),
    Aggregate: query(
      'aggregate',
      'count, countDistinct, sum, sumDistinct, avg, avgDistinct, min, max: `aggregate[count]=*`.',
      { type: 'object', additionalProperties: true },
    ),
    GroupBy: query('groupBy', 'Comma list of fields to group aggregates by.'),
    Deep: query(
      'deep',
      'Query options of nested one-to-many fields: `deep[codes][_limit]=10` (_limit, _offset, _sort, _filter).',
      { type: 'object', additionalProperties: true },
    ),
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Kept 24 h per account: the same request again gets the first answer (`Idempotent-Replayed: true`), another request with the key a 422, the same one while the first runs a 409.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    },
  };
}

function errorResponses(): Record<string, OpenAPIV3.ResponseObject> {
  const error = (description: string): OpenAPIV3.ResponseObject => ({
    description,
    content: json(ref('schemas', 'Error')),
  });
  return {
    InvalidPayload: error('INVALID_PAYLOAD or INVALID_QUERY: the request is not valid.'),
    Unauthorized: error('INVALID_CREDENTIALS: no token, or an invalid or expired one.'),
    Forbidden: error(
      'FORBIDDEN: not allowed, or no such item or collection (the two read the same, as in Directus).',
    ),
    TooManyRequests: error('REQUESTS_EXCEEDED: rate limited; see Retry-After.'),
    ServiceUnavailable: error('SERVICE_UNAVAILABLE: the database is unreachable; see Retry-After.'),
    IdempotencyKeyInUse: error(
      'IDEMPOTENCY_KEY_IN_USE: the first request with this key still runs.',
    ),
    IdempotencyKeyReused: error('IDEMPOTENCY_KEY_REUSED: the key was used with another request.'),
  };
}

/** The routes outside `/items`, as their controllers serve them. */
function fixedPaths(): OpenAPIV3.PathsObject {
  const tokens = data(ref('schemas', 'AuthTokens'), 'Tokens, by mode');
  const mode: Schema = { type: 'string', enum: ['json', 'cookie', 'session'], default: 'json' };
  const refreshBody: OpenAPIV3.RequestBodyObject = {
    required: false,
    content: json({
      type: 'object',
      properties: {
        refresh_token: {
          type: 'string',
          description: 'Else read from the `directus_refresh_token` cookie.',
        },
        mode,
      },
    }),
  };
  const users = itemRef('users');
  const publicOp = (operation: Operation): Operation => ({ ...operation, security: PUBLIC });
  return {
    '/server/ping': {
      get: publicOp({
        tags: ['server'],
        operationId: 'ping',
        summary: 'Liveness',
        responses: {
          '200': { description: 'pong', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      }),
    },
    '/server/health': {
      get: publicOp({
        tags: ['server'],
        operationId: 'health',
        summary: 'Readiness: PostgreSQL and Redis',
        responses: {
          '200': { description: 'Ready', content: json({ type: 'object' }) },
          '503': { description: 'Not ready', content: json({ type: 'object' }) },
        },
      }),
    },
    '/server/specs/oas': {
      get: publicOp({
        tags: ['server'],
        operationId: 'openapi',
        summary: 'This document',
        responses: { '200': { description: 'OpenAPI 3', content: json({ type: 'object' }) } },
      }),
    },
    '/metrics': {
      get: {
        tags: ['server'],
        operationId: 'metrics',
        summary: "Prometheus metrics of the gateway (admins' tokens only)",
        responses: {
          '200': {
            description: 'Prometheus text format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...ERRORS,
        },
      },
    },
    '/auth/login': {
      post: publicOp({
        tags: ['auth'],
        operationId: 'login',
        summary: 'Sign in with email and password',
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['email', 'password'],
            properties: { email: { type: 'string' }, password: { type: 'string' }, mode },
          }),
        },
        responses: {
          '200': tokens,
          '400': ref('responses', 'InvalidPayload'),
          '401': ref('responses', 'Unauthorized'),
          '429': ref('responses', 'TooManyRequests'),
        },
      }),
    },
    '/auth/refresh': {
      post: publicOp({
        tags: ['auth'],
        operationId: 'refresh',
        summary: 'A new access token and a new refresh token (the old one is spent)',
        description: 'A refresh token used twice revokes its whole session.',
        requestBody: refreshBody,
        responses: {
          '200': tokens,
          '400': ref('responses', 'InvalidPayload'),
          '401': ref('responses', 'Unauthorized'),
          '429': ref('responses', 'TooManyRequests'),
        },
      }),
    },
    '/auth/logout': {
      post: publicOp({
        tags: ['auth'],
        operationId: 'logout',
        summary: 'End the session of a refresh token',
        requestBody: refreshBody,
        responses: {
          '204': { description: 'Signed out' },
          '400': ref('responses', 'InvalidPayload'),
        },
      }),
    },
    '/users': {
      get: {
        tags: ['users'],
        operationId: 'read_users',
        summary: "Users of the caller's account (admins: all)",
        parameters: LIST_PARAMETERS.map((name) => ref('parameters', name)),
        responses: {
          '200': {
            description: 'The users',
            content: json({
              type: 'object',
              properties: { data: listOf(users), meta: ref('schemas', 'Meta') },
            }),
          },
          ...ERRORS,
        },
      },
      post: {
        tags: ['users'],
        operationId: 'create_user',
        summary: 'Create a user, and its account if named (admins)',
        parameters: [ref('parameters', 'IdempotencyKey')],
        requestBody: { required: true, content: json(ref('schemas', 'CreateUser')) },
        responses: {
          '200': data(ref('schemas', 'CreatedUser'), 'The user and its token'),
          ...WRITE_ERRORS,
        },
      },
    },
    '/users/me': {
      get: {
        tags: ['users'],
        operationId: 'read_me',
        summary: 'The caller',
        parameters: [ref('parameters', 'Fields')],
        responses: { '200': data(users, 'The caller'), ...ERRORS },
      },
      patch: {
        tags: ['users'],
        operationId: 'update_me',
        summary: "The caller's names and password",
        parameters: [ref('parameters', 'Fields'), ref('parameters', 'IdempotencyKey')],
        requestBody: { required: true, content: json(ref('schemas', 'UpdateUser')) },
        responses: { '200': data(users, 'The caller'), ...WRITE_ERRORS },
      },
    },
    '/users/{id}': {
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
      ],
      patch: {
        tags: ['users'],
        operationId: 'update_user',
        summary: "A user's names and password (admins; a user only themself)",
        parameters: [ref('parameters', 'Fields'), ref('parameters', 'IdempotencyKey')],
        requestBody: { required: true, content: json(ref('schemas', 'UpdateUser')) },
        responses: { '200': data(users, 'The user'), ...WRITE_ERRORS },
      },
    },
    '/files/{id}': {
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
      ],
      get: {
        tags: ['files'],
        operationId: 'read_file',
        summary: "A file's metadata",
        parameters: [ref('parameters', 'Fields')],
        responses: { '200': data(itemRef('file'), 'The file'), ...ERRORS },
      },
    },
    '/assets/{id}': {
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
      ],
      get: {
        tags: ['files'],
        operationId: 'read_asset',
        summary: "A file's content",
        parameters: [
          {
            name: 'download',
            in: 'query',
            description: 'Present: save under its download name.',
            schema: { type: 'string' },
          },
          {
            name: 'redirect',
            in: 'query',
            description: 'Present (not 0/false): 302 to a presigned URL valid 5 minutes.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description: 'The content',
            content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
          },
          '302': { description: 'To a presigned URL of the object' },
          ...ERRORS,
        },
      },
    },
    '/graphql': {
      get: {
        tags: ['graphql'],
        operationId: 'graphql_get',
        summary: 'GraphQL query (no mutations)',
        parameters: [
          { name: 'query', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'variables', in: 'query', description: 'JSON', schema: { type: 'string' } },
          { name: 'operationName', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          '200': { description: 'GraphQL answer', content: json({ type: 'object' }) },
          ...ERRORS,
        },
      },
      post: {
        tags: ['graphql'],
        operationId: 'graphql_post',
        summary: 'GraphQL query or mutation, over the item collections',
        parameters: [ref('parameters', 'IdempotencyKey')],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['query'],
            properties: {
              query: { type: 'string' },
              variables: { type: 'object', additionalProperties: true },
              operationName: { type: 'string' },
            },
          }),
        },
        responses: {
          '200': { description: 'GraphQL answer', content: json({ type: 'object' }) },
          ...ERRORS,
        },
      },
    },
  };
}

/** Scantrust's upload API (`/api/v2`), as the ingestion and workorder controllers serve it. */
function scantrustPaths(): OpenAPIV3.PathsObject {
  const uat: OpenAPIV3.SecurityRequirementObject[] = [{ uat: [] }];
  const error = (description: string): OpenAPIV3.ResponseObject => ({
    description,
    content: json(ref('schemas', 'ScantrustError')),
  });
  const errors: OpenAPIV3.ResponsesObject = {
    '400': error('Invalid request'),
    '401': error('No or an invalid token'),
    '403': error('A permission the token lacks'),
    '404': error('Not found (or not yours)'),
  };
  const object = (description: string): OpenAPIV3.ResponseObject => ({
    description,
    content: json({ type: 'object', additionalProperties: true }),
  });
  const page = (description: string): OpenAPIV3.ResponseObject => ({
    description,
    content: json({
      type: 'object',
      properties: {
        count: { type: 'integer' },
        next: { type: 'string', nullable: true },
        previous: { type: 'string', nullable: true },
        results: listOf({ type: 'object', additionalProperties: true }),
      },
    }),
  });
  const paging: OpenAPIV3.ParameterObject[] = [
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0 } },
    { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
  ];
  const key = (name: string): OpenAPIV3.ParameterObject => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  });
  const op = (operation: Operation): Operation => ({
    tags: ['scantrust'],
    security: uat,
    ...operation,
    responses: { ...operation.responses, ...errors },
  });
  return {
    '/api/v2/ingestion/codes/upload/get-post-data': {
      post: op({
        operationId: 'ingestion_get_post_data',
        summary: 'A new upload record and the presigned S3 POST its file goes up with',
        description: 'Permission `ingestion_code_create`.',
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['filetype'],
            properties: { filetype: { type: 'string', enum: ['csv', 'json'] } },
          }),
        },
        responses: { '201': object('The record key and the POST (url, fields)') },
      }),
    },
    '/api/v2/ingestion/codes/upload/process': {
      post: op({
        operationId: 'ingestion_process',
        summary: 'Process an uploaded file',
        description: 'Permission `ingestion_code_create`.',
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['record'],
            properties: {
              record: { type: 'string', description: 'The record key of get-post-data.' },
              default_scm_data: { type: 'object', additionalProperties: true },
              url_prefix: { type: 'string', nullable: true },
              allow_posted_duplicates: { type: 'boolean', default: false },
            },
          }),
        },
        responses: { '200': object('The record, processing') },
      }),
    },
    '/api/v2/ingestion': {
      get: op({
        operationId: 'ingestion_list',
        summary: 'Upload records',
        description: 'Permission `ingestion_view`.',
        parameters: paging,
        responses: { '200': page('A page of records') },
      }),
    },
    '/api/v2/ingestion/{key}': {
      parameters: [key('key')],
      get: op({
        operationId: 'ingestion_read',
        summary: 'An upload record',
        description: 'Permission `ingestion_view`.',
        responses: { '200': object('The record') },
      }),
    },
    '/api/v2/ingestion/{key}/cancel': {
      parameters: [key('key')],
      post: op({
        operationId: 'ingestion_cancel',
        summary: 'Cancel an unfinished upload',
        description: 'Permission `ingestion_cancel`.',
        responses: { '200': object('The record, cancelled') },
      }),
    },
    '/api/v2/workorders': {
      get: op({
        operationId: 'workorder_list',
        summary: 'Workorders',
        description: 'Permission `workorder_view`.',
        parameters: paging,
        responses: { '200': page('A page of workorders') },
      }),
    },
    '/api/v2/workorders/{id}': {
      parameters: [key('id')],
      get: op({
        operationId: 'workorder_read',
        summary: 'A workorder',
        description: 'Permission `workorder_view`.',
        responses: { '200': object('The workorder') },
      }),
    },
    '/api/v2/workorders/{id}/download': {
      parameters: [key('id')],
      get: op({
        operationId: 'workorder_download',
        summary: "The workorder's zip: codes.csv, manifest.json, sample_qr.png",
        description: 'Permission `workorder_download`.',
        responses: {
          '200': {
            description: 'The zip',
            content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
          },
        },
      }),
    },
    '/api/v2/workorders/{id}/serial-numbers': {
      parameters: [key('id')],
      get: op({
        operationId: 'workorder_serial_numbers',
        summary: "The workorder's codes as plain CSV, streamed",
        description: 'Permission `workorder_sid_download`.',
        responses: {
          '200': {
            description: 'CSV',
            content: { 'text/csv': { schema: { type: 'string' } } },
          },
        },
      }),
    },
  };
}
