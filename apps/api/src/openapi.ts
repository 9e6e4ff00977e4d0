import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Modelgate')
    .setDescription(
      'Model serving: a registry of model versions, predictions over the Open Inference Protocol (KServe v2) and ' +
        'TensorFlow Serving REST, and the management API. Every route except health, login and these docs needs credentials: ' +
        'an API key (`Authorization: Bearer mg_<id>_<secret>` or `X-API-Key`) or an operator session cookie (POST /api/auth/login), ' +
        'holding the scope the route names in `x-required-access`. Errors are `{ "error": "...", "requestId": "..." }`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key mg_<id>_<secret>' }, 'api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'x-api-key')
    .addCookieAuth('mg_session', { type: 'apiKey', in: 'cookie', description: 'Operator session (named __Host-mg_session behind TLS)' }, 'session')
    .addSecurityRequirements('api-key')
    .addSecurityRequirements('x-api-key')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs, the document at /docs-json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
