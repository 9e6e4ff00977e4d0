/** openapi.json as committed: 2-space indentation and a trailing newline. */
export function documentSource(document: object): string;

/** src/schema.ts: the `paths`, `components` and `operations` types of the document. */
export function schemaSource(document: object): Promise<string>;
