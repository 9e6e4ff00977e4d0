import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { InferOptions, Priority } from '@modelgate/runtime';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { BadRequestError } from '../common/errors';
import { parseVersionNumber } from '../common/version-number.pipe';
import type { PredictTarget } from './traffic-router';

/** A client may shorten a request's deadline (never lengthen it past the version's default). */
export const TIMEOUT_HEADER = 'x-request-timeout-ms';

function parseTimeoutMs(value: unknown, source: string): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(number) || number <= 0 || number > 3_600_000) {
    throw new BadRequestError(`${source} must be a number of milliseconds from 1 to 3600000, got ${JSON.stringify(value).slice(0, 40)}`);
  }
  return number;
}

/**
 * A client running bulk work (scoring a table overnight, backfills) marks its requests `batch`:
 * they wait while any `online` request (the default) is queued for the same version.
 */
export const PRIORITY_HEADER = 'x-request-priority';
const PRIORITIES: readonly Priority[] = ['online', 'batch'];

function parsePriority(value: unknown, source: string): Priority | undefined {
  if (value === undefined) return undefined;
  const level = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (level === undefined || !(PRIORITIES as readonly string[]).includes(level)) {
    throw new BadRequestError(
      `${source} must be "online" (the default) or "batch" (waits while online requests are queued), got ${JSON.stringify(value).slice(0, 40)}`,
    );
  }
  return level as Priority;
}

/** A client that wants to keep seeing the same version sends its own key here (sticky routing). */
export const ROUTING_KEY_HEADER = 'x-routing-key';
const MAX_ROUTING_KEY_LENGTH = 256;

/** What a prediction asks for (model, version or label, sticky key) and its runtime options. */
export interface PredictionCall {
  target: PredictTarget;
  options: InferOptions;
}

/** The path parameters of the prediction routes. */
export interface PredictionParams {
  name: string;
  version?: string;
  label?: string;
}

/**
 * A prediction request as the inference service takes it, from its path and headers: the model
 * and the version or label in its path, what sticky routing keys on (the X-Routing-Key header, and
 * the calling credential), and its deadline (X-Request-Timeout-Ms) and priority (X-Request-Priority). Throws
 * the 400 for a bad version number or header. Shared by the controllers and the data plane.
 */
export function predictionCall(params: PredictionParams, headers: IncomingHttpHeaders, principal: Principal | undefined): PredictionCall {
  const routingKey = headers[ROUTING_KEY_HEADER];
  if (typeof routingKey === 'string' && routingKey.length > MAX_ROUTING_KEY_LENGTH) {
    throw new BadRequestError(`the ${ROUTING_KEY_HEADER} header is longer than ${MAX_ROUTING_KEY_LENGTH} characters; send a shorter client or session id`);
  }
  return {
    target: {
      model: params.name,
      version: params.version === undefined ? undefined : parseVersionNumber(params.version),
      label: params.label,
      routingKey: typeof routingKey === 'string' && routingKey.length > 0 ? routingKey : undefined,
      caller: principal?.actor,
    },
    options: {
      priority: parsePriority(headers[PRIORITY_HEADER], 'the X-Request-Priority header') ?? 'online',
      deadlineMs: parseTimeoutMs(headers[TIMEOUT_HEADER], `the ${TIMEOUT_HEADER} header`),
    },
  };
}

/** The controllers' parameter: predictionCall of the routed request. */
export const PredictionRequest = createParamDecorator((_data: unknown, context: ExecutionContext): PredictionCall => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return predictionCall(request.params as PredictionParams, request.headers, request.principal);
});

/**
 * The Open Inference Protocol's request parameters that shape how a request is run, combined with
 * its headers: `timeout` (microseconds, as Triton reads it; the shorter deadline wins) and
 * `priority` ("online" or "batch"; the lower of the two wins).
 */
export function withProtocolParameters(options: InferOptions, parameters: Record<string, unknown> | undefined): InferOptions {
  if (parameters === undefined) return options;
  let result = options;
  const timeout = parameters.timeout;
  if (timeout !== undefined) {
    if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
      throw new BadRequestError(`parameters.timeout must be a positive number of microseconds, got ${JSON.stringify(timeout).slice(0, 40)}`);
    }
    result = { ...result, deadlineMs: Math.min(timeout / 1000, options.deadlineMs ?? Infinity) };
  }
  const priority = parsePriority(parameters.priority, 'parameters.priority');
  if (priority === 'batch') result = { ...result, priority };
  return result;
}
