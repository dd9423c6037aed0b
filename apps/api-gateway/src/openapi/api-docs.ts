import { INestApplication } from '@nestjs/common';
import { OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { OpenApiService } from './openapi.service';

/** Where Swagger UI is served (a page: see security-headers.ts for its CSP). */
export const DOCS_PATH = '/docs';

/**
 * Swagger UI at /docs over the same document as `GET /server/specs/oas`. The UI's own files are
 * public, like the document: it describes the API's shape, the same for every account, no data.
 */
export function mountApiDocs(app: INestApplication): void {
  const openApi = app.get(OpenApiService);
  SwaggerModule.setup(
    DOCS_PATH.slice(1),
    app,
    () => openApi.document() as unknown as OpenAPIObject,
    {
      // The document is served at Directus' path only, not a second time under /docs.
      raw: false,
      customSiteTitle: 'Serialized identifiers API',
      swaggerOptions: { persistAuthorization: false },
    },
  );
}
