import type { Role, RateLimit } from './scopes';

/** Who is calling: an API key, or an operator logged in with a session cookie. */
export interface Principal {
  kind: 'key' | 'operator';
  /** The key id (public part of `mg_<id>_<secret>`) or the operator's username. */
  id: string;
  /** `key:<id>` or `operator:<username>`: how audit entries and `createdBy` name the caller. */
  actor: string;
  name: string;
  scopes: readonly string[];
  /** Models this credential may use; null for all. */
  models: readonly string[] | null;
  expiresAt: Date | null;
  rateLimit: RateLimit | null;
  /** Operators only. */
  role?: Role;
  sessionId?: string;
  sessionExpiresAt?: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
