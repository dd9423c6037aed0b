import { OpenAPIV3 } from 'openapi-types';
import { collectionSchema, schemaName } from './collection-schema';
import { fixedSchemas, queryParameters, errorResponses, SchemaOrRef } from './openapi-components';
import { fixedPaths } from './openapi-fixed-paths';
import { itemPaths } from './openapi-item-paths';
import { scantrustPaths } from './openapi-scantrust-paths';
import { OpenApiSources } from './openapi-sources';

export type { OpenApiSources } from './openapi-sources';

/**
 * The OpenAPI 3 document of the gateway (`GET /server/specs/oas`, as in Directus), generated
 * from what the code itself runs on: the collection definitions (items, their fields, types and
 * relations), the writers' validation DTOs (create and update bodies), the users DTOs and the
 * configured limits. Routes outside `/items` are described here, beside the controllers they
 * mirror; a test reads the routes the gateway registers and fails on any this does not show.
 */
export function buildOpenApiDocument(sources: OpenApiSources): OpenAPIV3.Document {
  const schemas: Record<string, SchemaOrRef> = fixedSchemas(sources.users);
  for (const definition of sources.collections.all()) {
    schemas[schemaName(definition.name)] = collectionSchema(definition, (c) => keyOf(sources, c));
  }

  // The writers' create / update bodies follow the collection schemas.
  const items = itemPaths(sources);
  Object.assign(schemas, items.schemas);
  const paths: OpenAPIV3.PathsObject = { ...fixedPaths(), ...scantrustPaths(), ...items.paths };

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
