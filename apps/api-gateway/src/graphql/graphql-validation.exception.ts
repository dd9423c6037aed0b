import { GraphQLError } from 'graphql';
import { PublicError } from '@sid/shared/errors';

/**
 * The document cannot be run: a syntax error, a validation error (unknown field, wrong argument
 * type...), or variables that do not fit. Rendered as Directus does: HTTP 400, code
 * `GRAPHQL_VALIDATION`, the individual GraphQL errors in `extensions.errors`.
 */
export class GraphqlValidationError extends PublicError {
  readonly code = 'GRAPHQL_VALIDATION';
  readonly status = 400;

  constructor(errors: readonly GraphQLError[]) {
    super('GraphQL validation error.', { errors: errors.map((error) => error.toJSON()) });
  }
}
