// Turns the API's OpenAPI document into the committed files of this package. Plain ESM so that
// `npm run generate:api-client` runs it with node alone; the drift test imports it too.
import openapiTS, { astToString } from 'openapi-typescript';

const HEADER = `/**
 * Generated from libs/api-client/openapi.json by openapi-typescript: do not edit by hand.
 * Regenerate with \`npm run generate:api-client\` after changing the API.
 */

`;

/** openapi.json as committed: 2-space indentation and a trailing newline. */
export function documentSource(document) {
  return JSON.stringify(document, null, 2) + '\n';
}

/** src/schema.ts: the `paths`, `components` and `operations` types of the document. */
export async function schemaSource(document) {
  // A copy, so that the caller's document stays as it was whatever the generator does to it.
  const nodes = await openapiTS(structuredClone(document), {
    silent: true,
    // An object schema that names no properties takes any (as JSON Schema says), not none: the
    // inference bodies are documented that way.
    emptyObjectsUnknown: true,
    // A property with a default stays optional: the same schemas describe request bodies and query
    // parameters, where the default is what the server assumes when the property is left out.
    defaultNonNullable: false,
  });
  return HEADER + astToString(nodes).trimEnd() + '\n';
}
