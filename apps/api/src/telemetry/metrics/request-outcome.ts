/**
 * What became of a prediction request, from its status code: the `outcome` label of
 * modelgate_requests_total. A short fixed list, so that the label never grows with what clients send.
 */
export const OUTCOMES = [
  'success',
  'invalid_input',
  'unauthorized',
  'forbidden',
  'not_found',
  'payload_too_large',
  'rejected',
  'too_many_requests',
  'error',
  'unavailable',
  'deadline_exceeded',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

/** OUTCOMES index by status code, computed once: the hot path does one array read. */
const OUTCOME_BY_STATUS = Uint8Array.from({ length: 600 }, (_, status) => OUTCOMES.indexOf(outcomeOf(status)));

/** Index into OUTCOMES for a status code. */
export function outcomeIndexOf(status: number): number {
  return status >= 0 && status < 600 ? OUTCOME_BY_STATUS[status] : OUTCOMES.indexOf('error');
}

export function outcomeOf(status: number): Outcome {
  if (status < 400) return 'success';
  switch (status) {
    case 400:
      return 'invalid_input';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'too_many_requests';
    case 503:
      return 'unavailable';
    case 504:
      return 'deadline_exceeded';
    default:
      return status < 500 ? 'rejected' : 'error';
  }
}

/** The status class of an outcome ("2xx", "4xx", "5xx"): the `code` label. */
export function statusClassOf(outcome: Outcome): '2xx' | '4xx' | '5xx' {
  if (outcome === 'success') return '2xx';
  return outcome === 'error' || outcome === 'unavailable' || outcome === 'deadline_exceeded' ? '5xx' : '4xx';
}

/** Server-side failures: what error rates and rollout gates count (a client's bad input is not one). */
export function isServerError(status: number): boolean {
  return status >= 500;
}
