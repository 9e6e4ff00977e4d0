import { SetMetadata } from '@nestjs/common';
import type { AuditRecord } from './audit.service';

export const AUDITED_METADATA = 'modelgate:audited';

/** What the audit interceptor sees of a successful call. */
export interface AuditedCall {
  params: Record<string, string>;
  /** The validated body (DTO); undefined for multipart uploads. */
  body: unknown;
  /** What the handler returned. */
  result: unknown;
}

export type AuditDescriber = (call: AuditedCall) => Omit<AuditRecord, 'action' | 'actor'>;

/**
 * Records a management change made by this route in the audit log once it has succeeded, for
 * services whose changes cannot share a transaction with the log (the registry writes files and
 * loads workers). Services that change only rows record in their own transaction instead.
 */
export const Audited = (action: string, describe: AuditDescriber) => SetMetadata(AUDITED_METADATA, { action, describe });
