/** Who is calling: the API key that authenticated the request. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: string[];
  /** Models this key may call; null for all. */
  models: string[] | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
