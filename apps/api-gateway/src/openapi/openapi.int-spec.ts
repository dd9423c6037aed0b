import { METHODS } from 'node:http';
import SwaggerParser from '@apidevtools/swagger-parser';
import { OpenAPIV3 } from 'openapi-types';
import request from 'supertest';
import { COLLECTION_WRITERS, CollectionWriter } from '@sid/shared/items';
import { COLLECTIONS, ITEM_COLLECTIONS, REST_ONLY_COLLECTIONS } from '../items/collections';
import { createGatewayTestApp, GatewayTestApp } from '../testing/gateway-test-app';
import { schemaName } from './collection-schema';
import { DOCS_PATH } from './api-docs';

/** A route as Express holds it, after Nest registered the controllers. */
interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * `GET /server/specs/oas`: a valid OpenAPI 3 document (checked by swagger-parser against the
 * OpenAPI schema, references resolved) that shows every route the gateway registers, read from
 * Express' router rather than from a list kept by hand, and every collection with its fields.
 */
describe('OpenAPI document', () => {
  let gateway: GatewayTestApp;
  let http: ReturnType<typeof request>;
  let document: OpenAPIV3.Document;

  beforeAll(async () => {
    gateway = await createGatewayTestApp('openapi', { ITEMS_BATCH_MAX: '500' });
    http = request(gateway.app.getHttpServer());
    // Public, as Directus serves it to anyone allowed to see the schema.
    const response = await http.get('/server/specs/oas').expect(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    document = response.body;
  });

  afterAll(async () => gateway?.close());

  /** Every (method, Express path) the gateway's router answers, the UI pages' own files aside. */
  function registeredRoutes(): { method: string; path: string }[] {
    const express = gateway.app.getHttpAdapter().getInstance() as {
      router: { stack: RouterLayer[] };
    };
    return express.router.stack.flatMap((layer) => {
      if (!layer.route) return [];
      const { path, methods } = layer.route;
      // Swagger UI's page and assets are the viewer of this document, not API routes.
      if (path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`)) return [];
      // Middleware Nest mounts for every method of every path (the request logger) answers
      // nothing by itself: an endpoint is registered for the methods it serves.
      if (METHODS.every((method) => methods[method.toLowerCase()])) return [];
      return Object.keys(methods)
        .filter((method) => methods[method] && method !== '_all')
        .map((method) => ({ method, path }));
    });
  }

  /** The document's paths an Express path stands for (`:collection` is each item collection). */
  function documentPaths(expressPath: string): string[] {
    const named = expressPath.replace(/[:*]([A-Za-z_]+)/g, (_, name: string) => `{${name}}`);
    return named.includes('{collection}')
      ? [...ITEM_COLLECTIONS, ...REST_ONLY_COLLECTIONS].map((collection) =>
          named.replace('{collection}', collection),
        )
      : [named];
  }

  it('is a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\.0\./);
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
  });

  it('shows every route the gateway registers, with its method', () => {
    const routes = registeredRoutes();
    // The router really was read: the routes of every controller are there.
    for (const path of [
      '/items/:collection/*id',
      '/auth/login',
      '/users/me',
      '/api/v2/workorders',
    ]) {
      expect(routes.map((route) => route.path)).toContain(path);
    }
    const missing = routes.flatMap(({ method, path }) =>
      documentPaths(path)
        .filter((documented) => !document.paths[documented]?.[method as OpenAPIV3.HttpMethods])
        .map((documented) => `${method.toUpperCase()} ${documented} (${path})`),
    );
    expect(missing).toEqual([]);
  });

  it('shows no route the gateway does not have', async () => {
    const registered = new Set(
      registeredRoutes().flatMap(({ method, path }) =>
        documentPaths(path).map((documented) => `${method} ${documented}`),
      ),
    );
    const methods = ['get', 'post', 'patch', 'put', 'delete'] as const;
    const extra = Object.entries(document.paths).flatMap(([path, item]) =>
      methods
        .filter((method) => item?.[method] && !registered.has(`${method} ${path}`))
        .map((method) => `${method} ${path}`),
    );
    expect(extra).toEqual([]);
  });

  it('has every collection with every field of its definition, and its type', () => {
    const schemas = document.components?.schemas ?? {};
    for (const definition of COLLECTIONS.all()) {
      const name = schemaName(definition.name);
      const schema = schemas[name] as OpenAPIV3.SchemaObject;
      expect({ name, fields: Object.keys(schema.properties ?? {}) }).toEqual({
        name,
        fields: Object.keys(definition.fields),
      });
    }
    const job = (schemas.ItemsIdentifierJob as OpenAPIV3.SchemaObject).properties ?? {};
    expect(job.quantity).toMatchObject({ type: 'integer' });
    expect(job.date_created).toMatchObject({ type: 'string', format: 'date-time' });
    expect(job.product).toMatchObject({
      oneOf: [{ type: 'string' }, { $ref: '#/components/schemas/ItemsProduct' }],
    });
    expect(job.codes).toMatchObject({
      type: 'array',
      items: {
        oneOf: [
          { type: 'string', format: 'uuid' },
          { $ref: '#/components/schemas/ItemsUniqueCode' },
        ],
      },
    });
  });

  it("describes create and update bodies with the writers' own DTO rules", () => {
    const writers: CollectionWriter[] = gateway.app.get(COLLECTION_WRITERS);
    const schemas = document.components?.schemas ?? {};
    for (const writer of writers) {
      const create = schemas[`${schemaName(writer.collection)}Create`] as OpenAPIV3.SchemaObject;
      expect(create).toMatchObject({ type: 'object', additionalProperties: false });
      const post = document.paths[`/items/${writer.collection}`]?.post;
      expect(post?.requestBody).toBeDefined();
    }
    const pool = schemas.ItemsCodePoolCreate as OpenAPIV3.SchemaObject;
    expect(pool.required).toEqual(expect.arrayContaining(['min_unassigned', 'refill_quantity']));
    expect(pool.properties?.min_unassigned).toMatchObject({ type: 'integer', minimum: 1 });
    const reservation = schemas.ItemsCodeReservationCreate as OpenAPIV3.SchemaObject;
    expect(reservation.properties?.product).toMatchObject({ nullable: true });
    expect(reservation.properties?.code_type).toMatchObject({
      type: 'string',
      enum: expect.arrayContaining(['sgtin', 'sscc']),
    });
    // A batch create takes an array of them, up to the configured maximum.
    const body = document.paths['/items/product']?.post?.requestBody as OpenAPIV3.RequestBodyObject;
    expect(body.content['application/json'].schema).toMatchObject({
      oneOf: [
        { $ref: '#/components/schemas/ItemsProductCreate' },
        { type: 'array', maxItems: 500 },
      ],
    });
    // Every writable collection takes an array: domains, hand-registered codes and webhooks too.
    for (const collection of ['domain', 'unique_code', 'webhook']) {
      const post = document.paths[`/items/${collection}`]?.post;
      const batch = post?.requestBody as OpenAPIV3.RequestBodyObject;
      expect(batch.content['application/json'].schema).toMatchObject({
        oneOf: [{ $ref: expect.any(String) }, { type: 'array', maxItems: 500 }],
      });
      expect(post?.summary).toBe(`Create one ${collection} item, or many`);
    }
    expect(document.paths['/items/webhook']?.post?.description).toMatch(
      /beside each created item, fields shown this once/,
    );
    const user = schemas.CreateUser as OpenAPIV3.SchemaObject;
    expect(user.properties?.password).toMatchObject({ type: 'string', minLength: 8 });
  });

  it('has the query parameters, the error envelope and the auth routes', () => {
    const list = document.paths['/items/unique_code']?.get;
    const parameters = (list?.parameters ?? []).map((p) => (p as OpenAPIV3.ReferenceObject).$ref);
    for (const name of ['Fields', 'Filter', 'Sort', 'Limit', 'Offset', 'Page', 'Search', 'Meta']) {
      expect(parameters).toContain(`#/components/parameters/${name}`);
    }
    expect(document.components?.parameters?.Limit).toMatchObject({
      name: 'limit',
      in: 'query',
      schema: { type: 'integer', minimum: -1 },
    });
    expect(document.components?.schemas?.Error).toMatchObject({
      properties: { errors: { type: 'array' } },
    });
    expect(list?.responses['403']).toEqual({ $ref: '#/components/responses/Forbidden' });
    expect(document.paths['/auth/login']?.post?.security).toEqual([]);
    expect(document.paths['/items/code_reservation']?.post?.parameters).toContainEqual({
      $ref: '#/components/parameters/IdempotencyKey',
    });
  });

  it('serves Swagger UI at /docs over the same document, under a CSP that lets it run', async () => {
    const page = await http.get(DOCS_PATH).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(page.text).toContain('swagger-ui-init.js');
    const init = await http.get(`${DOCS_PATH}/swagger-ui-init.js`).expect(200);
    expect(init.text).toContain('"/server/specs/oas"');
    // No second copy of the document under /docs.
    expect((await http.get(`${DOCS_PATH}-json`)).status).toBeGreaterThanOrEqual(400);
  });
});
