import { OpenAPIV3 } from 'openapi-types';
import { itemRef } from './collection-schema';
import {
  data,
  ERRORS,
  json,
  LIST_PARAMETERS,
  listOf,
  Operation,
  PUBLIC,
  ref,
  Schema,
  WRITE_ERRORS,
} from './openapi-components';

/** The routes outside `/items`, as their controllers serve them. */
export function fixedPaths(): OpenAPIV3.PathsObject {
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
            description:
              'Present (not 0/false): 302 to a presigned URL valid 5 minutes, which serves the object as stored (export files: Content-Encoding gzip).',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description:
              'The content. Export files are stored gzip-compressed: a caller whose Accept-Encoding allows gzip gets them with Content-Encoding gzip, any other the decompressed document.',
            headers: {
              'Content-Encoding': {
                description: 'gzip when the stored compressed bytes are sent as they are',
                schema: { type: 'string', enum: ['gzip'] },
              },
            },
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
