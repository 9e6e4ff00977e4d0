import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BINARY_BODY_EXTENSION } from './inference/binary-body';

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
  return withBinaryBodies(SwaggerModule.createDocument(app, config));
}

/**
 * The v2 infer routes take their body as JSON or as the binary tensor data extension (a JSON header,
 * then tensor bytes). Nest's decorators give a body one schema for all its media types, so the
 * binary one is added here, with the header that sizes its JSON part, where an operation carries
 * BINARY_BODY_EXTENSION (its value describes the body).
 */
function withBinaryBodies(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.post, item.put, item.patch, item.delete]) {
      const description = (operation as Record<string, unknown> | undefined)?.[BINARY_BODY_EXTENSION];
      if (operation === undefined || typeof description !== 'string') continue;
      const body = operation.requestBody;
      if (body === undefined || !('content' in body)) continue;
      body.description = `JSON, or application/octet-stream: ${description}`;
      body.content['application/octet-stream'] = { schema: { type: 'string', format: 'binary' } };
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          name: 'Inference-Header-Content-Length',
          in: 'header',
          required: false,
          description: 'Binary tensor data extension: the byte length of the JSON part at the start of the body; absent for a JSON body',
          schema: { type: 'integer', minimum: 0 },
        },
      ];
    }
  }
  return document;
}

/** Swagger UI at /docs, the document at /docs-json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
