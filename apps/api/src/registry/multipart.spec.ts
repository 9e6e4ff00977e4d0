import { BadRequestError } from '../common/errors';
import { asClientError } from './multipart';

describe("upload parts: the multipart parser's errors as the client's", () => {
  it('answers a body the parser cannot read with 400, naming the problem', () => {
    const error = asClientError(new Error('Unexpected end of multipart data'));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain('the multipart body is malformed (Unexpected end of multipart data)');
  });

  it('counts a connection the client closed mid-upload as its doing (400), not a server failure', () => {
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const error = asClientError(aborted);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain('the client closed the connection');
  });

  it('passes limit errors, which carry their own code or status, unchanged', () => {
    const tooLarge = Object.assign(new Error('request file too large'), { code: 'FST_REQ_FILE_TOO_LARGE', statusCode: 413 });
    expect(asClientError(tooLarge)).toBe(tooLarge);
    const tooManyParts = Object.assign(new Error('reach parts limit'), { code: 'FST_PARTS_LIMIT' });
    expect(asClientError(tooManyParts)).toBe(tooManyParts);
  });
});
