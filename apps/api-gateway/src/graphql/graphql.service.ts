import { Injectable, Logger, MethodNotAllowedException } from '@nestjs/common';
import {
  DocumentNode,
  execute,
  getOperationAST,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  parse,
  Source,
  specifiedRules,
  validate,
} from 'graphql';
import { InvalidPayloadError, InvalidQueryError, PublicError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { COLLECTIONS, ITEM_COLLECTIONS } from '../items/collections';
import { GraphqlItemsResolver } from './graphql-items.resolver';
import { collapseKeySelections, expandKeySelections } from './graphql-key-selections';
import { toPlain } from './graphql-scalars';
import { buildGraphqlSchema, GraphqlContext } from './graphql-schema.factory';
import { GraphqlValidationError } from './graphql-validation.exception';

/** Tokens a document may have (Directus' default GRAPHQL_QUERY_TOKEN_LIMIT). */
const MAX_TOKENS = 5000;

/** `POST /graphql` body, or `GET /graphql` query string. */
export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlResponse {
  data?: unknown;
  errors?: GraphQLFormattedError[];
}

/**
 * Runs GraphQL documents against the schema generated from the collections, as Directus does:
 * a document that cannot run (syntax, validation, variables) is a 400 `GRAPHQL_VALIDATION`;
 * errors while resolving fields come back with HTTP 200 in `errors`, each with Directus' code in
 * `extensions.code` (INVALID_PAYLOAD, INVALID_QUERY, FORBIDDEN...) next to the data that could be
 * read. Unexpected errors are logged and shown as INTERNAL_SERVER_ERROR without details.
 */
@Injectable()
export class GraphqlService {
  private readonly logger = new Logger('GraphQL');
  readonly schema: GraphQLSchema;

  constructor(resolver: GraphqlItemsResolver) {
    this.schema = buildGraphqlSchema({
      registry: COLLECTIONS,
      collections: ITEM_COLLECTIONS,
      writable: resolver.writableCollections(),
      operations: resolver,
    });
  }

  async execute(
    actor: Actor,
    request: GraphqlRequest,
    method: 'GET' | 'POST',
  ): Promise<GraphqlResponse> {
    const { query, variables, operationName } = readRequest(request);
    let document = parseDocument(query);
    if (method === 'GET') {
      const operation = getOperationAST(document, operationName);
      if (operation && operation.operation !== 'query') {
        throw new MethodNotAllowedException(
          `Can only perform a ${operation.operation} from a POST request.`,
        );
      }
    }
    document = expandKeySelections(this.schema, document);
    const errors = validate(this.schema, document, specifiedRules);
    if (errors.length > 0) throw new GraphqlValidationError(errors);
    const contextValue: GraphqlContext = { actor };
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: variables,
      operationName,
      contextValue,
    });
    // No `data` at all: the operation could not start (unknown operation, variables that do not fit).
    if (result.data === undefined) throw new GraphqlValidationError(result.errors ?? []);
    const response: GraphqlResponse = { data: collapseKeySelections(result.data) };
    if (result.errors && result.errors.length > 0) {
      response.errors = result.errors.map((error) => this.format(error));
    }
    return response;
  }

  private format(error: GraphQLError): GraphQLFormattedError {
    const where = {
      ...(error.locations && { locations: error.locations }),
      ...(error.path && { path: error.path }),
    };
    const original = error.originalError;
    if (original instanceof PublicError) {
      return {
        message: original.message,
        extensions: { ...original.extensions, code: original.code },
        ...where,
      };
    }
    this.logger.error(original?.stack ?? error.message);
    return {
      message: 'An unexpected error occurred.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
      ...where,
    };
  }
}

function parseDocument(query: string): DocumentNode {
  try {
    return parse(new Source(query), { maxTokens: MAX_TOKENS });
  } catch (error) {
    if (error instanceof GraphQLError) throw new GraphqlValidationError([error]);
    throw error;
  }
}

function readRequest(request: GraphqlRequest): {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
} {
  const { query, variables, operationName } = request;
  if (typeof query !== 'string' || query.trim() === '') {
    throw new InvalidPayloadError('Must provide query string.');
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw new InvalidPayloadError('"operationName" must be a string.');
  }
  return {
    query,
    variables: readVariables(variables),
    operationName:
      typeof operationName === 'string' && operationName !== '' ? operationName : undefined,
  };
}

/** An object, or (in a query string) the same JSON-encoded. */
function readVariables(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InvalidQueryError('Variables are invalid JSON.');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidPayloadError('"variables" must be an object.');
  }
  return toPlain(value) as Record<string, unknown>;
}
