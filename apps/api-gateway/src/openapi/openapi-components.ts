import { OpenAPIV3 } from 'openapi-types';
import { dtoSchema } from './dto-schema';
import { OpenApiSources } from './openapi-sources';

// The pieces every part of the OpenAPI document shares: reference and body helpers, the error
// envelope and its responses, the query parameters, and the schemas outside the collections.

export type Operation = OpenAPIV3.OperationObject;
export type Schema = OpenAPIV3.SchemaObject;
export type SchemaOrRef = OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject;

export const ref = (kind: 'schemas' | 'parameters' | 'responses', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});
export const json = (schema: SchemaOrRef): Record<string, OpenAPIV3.MediaTypeObject> => ({
  'application/json': { schema },
});
export const data = (schema: SchemaOrRef, description: string): OpenAPIV3.ResponseObject => ({
  description,
  content: json({ type: 'object', properties: { data: schema }, required: ['data'] }),
});
export const listOf = (schema: SchemaOrRef): Schema => ({ type: 'array', items: schema });

/** The error answers every operation may give, in the Directus envelope. */
export const ERRORS: OpenAPIV3.ResponsesObject = {
  '400': ref('responses', 'InvalidPayload'),
  '401': ref('responses', 'Unauthorized'),
  '403': ref('responses', 'Forbidden'),
  '429': ref('responses', 'TooManyRequests'),
  '503': ref('responses', 'ServiceUnavailable'),
};
export const WRITE_ERRORS: OpenAPIV3.ResponsesObject = {
  ...ERRORS,
  '409': ref('responses', 'IdempotencyKeyInUse'),
  '422': ref('responses', 'IdempotencyKeyReused'),
};
export const READ_PARAMETERS = [
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
export const LIST_PARAMETERS = [...READ_PARAMETERS, 'Aggregate', 'GroupBy'];
export const PUBLIC: OpenAPIV3.SecurityRequirementObject[] = [];

/** The schemas that are not collections: errors, list meta, login tokens, the users' bodies. */
export function fixedSchemas(users: OpenApiSources['users']): Record<string, SchemaOrRef> {
  return {
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
    CreateUser: dtoSchema(users.create),
    UpdateUser: dtoSchema(users.update),
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
}

/** Directus' global query parameters, as @sid/gateway-query parses them. */
export function queryParameters(
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

export function errorResponses(): Record<string, OpenAPIV3.ResponseObject> {
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
