import { ForbiddenError, NotFoundError } from '../common/errors';
import type { RouteAccess } from './access.decorator';
import type { Principal } from './principal';
import { hasScope } from './scopes';

/**
 * Whether `principal` may call a route that needs `access` on `model` (when the route acts on one); throws the refusal otherwise. A route without a declared requirement is refused:
 * deny by default, even when a developer forgets the decorator.
 *
 * Models outside a credential's list answer 404 with the same message as a model that does not
 * exist, so a restricted key cannot probe which model names exist.
 */
export interface ModelReference {
  name: string;
  /** Named in the body (a model being created): refused with 403, as there is nothing to hide. */
  inBody: boolean;
}

export function authorize(access: RouteAccess | undefined, principal: Principal, route: string, model: ModelReference | undefined): void {
  if (access === undefined) throw new ForbiddenError(`${route} declares no access rule, so it is refused (deny by default)`);
  switch (access.kind) {
    case 'public':
      return;
    case 'session':
      if (principal.kind !== 'operator') {
        throw new ForbiddenError('this route is for operators logged in with POST /api/auth/login; an API key cannot use it');
      }
      return;
    case 'scope':
      if (!hasScope(principal.scopes, access.scope)) {
        const who = principal.kind === 'key' ? 'this API key' : `the role "${principal.role}"`;
        throw new ForbiddenError(`${who} lacks the "${access.scope}" scope that ${route} needs`);
      }
      if (model !== undefined && principal.models !== null && !principal.models.includes(model.name)) {
        if (model.inBody) throw new ForbiddenError(`this credential may only act on the models ${principal.models.join(', ')}`);
        throw new NotFoundError(modelNotFoundMessage(model.name));
      }
  }
}

/** The registry's and the model server's own wording for an unknown model. */
export function modelNotFoundMessage(modelName: string): string {
  return `model "${modelName}" not found; GET /api/models lists the models`;
}
