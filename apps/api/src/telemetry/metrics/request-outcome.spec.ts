import { OUTCOMES, outcomeIndexOf, outcomeOf, statusClassOf } from './request-outcome';

describe('request outcomes', () => {
  it('names each status an inference route answers, with its class', () => {
    const cases: Array<[number, string, string]> = [
      [200, 'success', '2xx'],
      [400, 'invalid_input', '4xx'],
      [401, 'unauthorized', '4xx'],
      [403, 'forbidden', '4xx'],
      [404, 'not_found', '4xx'],
      [413, 'payload_too_large', '4xx'],
      [415, 'rejected', '4xx'],
      [429, 'too_many_requests', '4xx'],
      [500, 'error', '5xx'],
      [503, 'unavailable', '5xx'],
      [504, 'deadline_exceeded', '5xx'],
    ];
    for (const [status, outcome, statusClass] of cases) {
      expect(outcomeOf(status)).toBe(outcome);
      expect(OUTCOMES[outcomeIndexOf(status)]).toBe(outcome);
      expect(statusClassOf(outcomeOf(status))).toBe(statusClass);
    }
    expect(OUTCOMES[outcomeIndexOf(999)]).toBe('error');
  });
});
