import { OpenAPIV3 } from 'openapi-types';
import { json, listOf, Operation, ref } from './openapi-components';

/** Scantrust's upload API (`/api/v2`), as the ingestion and workorder controllers serve it. */
export function scantrustPaths(): OpenAPIV3.PathsObject {
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
