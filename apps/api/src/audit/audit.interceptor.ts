import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { mergeMap, type Observable } from 'rxjs';
import { AuditService } from './audit.service';
import { AUDITED_METADATA, type AuditDescriber } from './audited.decorator';
import { originOf } from './request-origin';

/** Writes the entry of an @Audited route after it succeeded, before the answer leaves. Other routes pass straight through. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const audited = this.reflector.get<{ action: string; describe: AuditDescriber } | undefined>(AUDITED_METADATA, context.getHandler());
    if (!audited) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        const described = audited.describe({ params: (request.params ?? {}) as Record<string, string>, body: request.body, result });
        await this.audit.recordAfter(originOf(request), { action: audited.action, ...described });
        return result;
      }),
    );
  }
}
