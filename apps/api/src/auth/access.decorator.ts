import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExtension } from '@nestjs/swagger';
import type { Scope } from './scopes';

/**
 * What a route needs. Every route of the app declares one; the guard refuses a route that does not
 * (deny by default), and the route walk in test/auth.e2e.ts fails on it.
 */
export type RouteAccess =
  | { kind: 'public' }
  /** `modelInBody`: the body field that names the model the request acts on (e.g. creating a model). */
  | { kind: 'scope'; scope: Scope; modelInBody?: string }
  | { kind: 'session' };

export const ACCESS_METADATA = 'modelgate:access';
/** The same requirement in Fastify's route config, so that the app can list routes with their access. */
export const ROUTE_CONFIG_ACCESS = 'modelgateAccess';

/**
 * Marks a handler, or every handler of a controller, with its access requirement. A requirement on
 * a method wins over one on its class. The requirement is also put in Fastify's route config
 * (RouteConfig), which is where the app's table of routes reads it.
 */
function declareAccess(access: RouteAccess): ClassDecorator & MethodDecorator {
  return ((target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      mark(target, propertyKey!, descriptor, true);
      return descriptor;
    }
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name);
      if (name !== 'constructor' && typeof method?.value === 'function') mark(prototype, name, method, false);
    }
    return undefined;
  }) as ClassDecorator & MethodDecorator;

  function mark(prototype: object, name: string | symbol, descriptor: PropertyDescriptor, override: boolean): void {
    if (!override && Reflect.hasOwnMetadata(ACCESS_METADATA, descriptor.value as object)) return;
    Reflect.defineMetadata(ACCESS_METADATA, access, descriptor.value as object);
    RouteConfig({ [ROUTE_CONFIG_ACCESS]: access })(prototype, name, descriptor);
    if (access.kind !== 'public') {
      ApiExtension('x-required-access', access.kind === 'scope' ? `scope ${access.scope}` : 'operator session')(prototype, name, descriptor);
    }
  }
}

/**
 * The route needs a credential (API key or operator session) that holds `scope` (admin holds all).
 * A credential limited to some models may only act on those named by the `name` path parameter
 * or, with `modelInBody`, by that body field.
 */
export const RequireScope = (scope: Scope, options: { modelInBody?: string } = {}) => declareAccess({ kind: 'scope', scope, ...options });

/** The route is for a logged-in operator (e.g. changing one's own password); API keys get 403. */
export const RequireSession = () => declareAccess({ kind: 'session' });

/** Callable without credentials: health, the docs. Everything else needs a credential (deny by default). */
export const Public = () => declareAccess({ kind: 'public' });
