/**
 * Checks a value against a schema of the served OpenAPI document, for tests that hold the document
 * to what the server answers. Only what Modelgate's document uses: $ref, type, enum, nullable,
 * required, properties, additionalProperties, items and oneOf. An object schema with properties and
 * no additionalProperties is closed: a property the document does not name is reported, since an
 * answer that carries one means the document fell behind the code.
 */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, SchemaObject>;
  additionalProperties?: boolean | SchemaObject;
  items?: SchemaObject;
  oneOf?: SchemaObject[];
  allOf?: SchemaObject[];
}

export interface MediaType {
  schema?: SchemaObject;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, MediaType> }; responses: Record<string, { description?: string; content?: Record<string, MediaType> }> }>>;
  components: { schemas: Record<string, SchemaObject> };
}

/** Where `value` breaks `schema`, one line each ('at <path>: ...'); empty when it fits. */
export function schemaProblems(value: unknown, schema: SchemaObject, document: OpenApiDocument, path = '$'): string[] {
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components.schemas[name];
    if (target === undefined) return [`at ${path}: ${schema.$ref} is not in the document`];
    return schemaProblems(value, target, document, path);
  }
  if (schema.allOf !== undefined) return schema.allOf.flatMap((part) => schemaProblems(value, part, document, path));
  if (schema.oneOf !== undefined) {
    const fits = schema.oneOf.filter((option) => schemaProblems(value, option, document, path).length === 0).length;
    return fits === 1 ? [] : [`at ${path}: ${JSON.stringify(value)?.slice(0, 60)} fits ${fits} of the ${schema.oneOf.length} oneOf schemas, not one`];
  }
  if (value === null) return schema.nullable ? [] : [`at ${path}: null where the schema is not nullable`];
  if (schema.enum !== undefined && !schema.enum.includes(value)) return [`at ${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  const type = schema.type ?? (schema.properties !== undefined ? 'object' : undefined);
  switch (type) {
    case undefined:
      return [];
    case 'string':
    case 'boolean':
      return typeof value === type ? [] : [`at ${path}: ${JSON.stringify(value)?.slice(0, 60)} is not a ${type}`];
    case 'number':
      return typeof value === 'number' ? [] : [`at ${path}: ${JSON.stringify(value)?.slice(0, 60)} is not a number`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`at ${path}: ${JSON.stringify(value)?.slice(0, 60)} is not an integer`];
    case 'array':
      if (!Array.isArray(value)) return [`at ${path}: ${JSON.stringify(value)?.slice(0, 60)} is not an array`];
      return schema.items === undefined ? [] : value.flatMap((item, index) => schemaProblems(item, schema.items!, document, `${path}[${index}]`));
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`at ${path}: ${JSON.stringify(value)?.slice(0, 60)} is not an object`];
      const record = value as Record<string, unknown>;
      const problems = (schema.required ?? []).filter((name) => !(name in record)).map((name) => `at ${path}: "${name}" is required and missing`);
      for (const [name, item] of Object.entries(record)) {
        const property = schema.properties?.[name];
        if (property !== undefined) problems.push(...schemaProblems(item, property, document, `${path}.${name}`));
        else if (typeof schema.additionalProperties === 'object') problems.push(...schemaProblems(item, schema.additionalProperties, document, `${path}.${name}`));
        else if (schema.additionalProperties !== true && schema.properties !== undefined) problems.push(`at ${path}: "${name}" is not in the document`);
      }
      return problems;
    }
    default:
      return [`at ${path}: the checker does not know type ${type}`];
  }
}
