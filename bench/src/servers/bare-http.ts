/**
 * Target (b), the HTTP ceiling: a bare node:http server that parses each JSON body and answers a
 * constant JSON of the same size as the real answer. No model runs; whatever Modelgate does beyond
 * this (routing, auth, validation, compute) is its cost.
 */
import { createServer } from 'node:http';
import { listen, readBody, readSpec, sendJson } from './http-helpers';

interface BareSpec {
  /** Path -> the constant answer for it. */
  answers: Record<string, string>;
}

const { answers } = readSpec<BareSpec>();

const server = createServer((request, response) => {
  readBody(request).then(
    (body) => {
      const answer = answers[request.url ?? ''];
      if (answer === undefined) return sendJson(response, 404, '{"error":"unknown path"}');
      try {
        JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(response, 400, '{"error":"the body is not JSON"}');
      }
      sendJson(response, 200, answer);
    },
    () => sendJson(response, 400, '{"error":"could not read the body"}'),
  );
});
listen(server);
