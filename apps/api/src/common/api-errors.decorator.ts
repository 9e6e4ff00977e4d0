import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

export class ErrorDto {
  @ApiProperty({ example: 'model "iris" not found; GET /api/models lists the models', description: 'What went wrong and how to fix it' })
  error!: string;

  @ApiProperty({ example: '6f1c2a4e-1d2b-4a7e-9d55-2f0f5d9b8c11', description: 'Also in the X-Request-Id header' })
  requestId!: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input: the message names the field, what was expected and what came',
  401: 'No API key, or an unknown, revoked or expired one',
  403: 'The key lacks the scope for this route',
  404: 'No such model or version',
  409: 'Conflict, e.g. a name already taken',
  413: 'Body or file over the size limit',
  415: 'Unsupported content type or file type',
  422: 'The model file cannot be loaded (the loader says why)',
  429: 'Too many requests; retry after the Retry-After header',
  503: 'Not ready or overloaded',
  504: 'The request deadline passed',
};

/** Documents the error responses of a route, all with the common `{ error, requestId }` body. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorDto })));
}
