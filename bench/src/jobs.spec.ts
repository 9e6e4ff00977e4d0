import { checkResults } from './jobs-client';
import { jobRows, parseJobsOptions } from './jobs';

describe('npm run bench:jobs options', () => {
  it('scores 200,000 MLP rows (2,000 CNN images) in three rounds, 4 in flight, unless told otherwise', () => {
    expect(parseJobsOptions([])).toEqual({ model: 'mlp', rows: 200_000, rounds: 3, inFlight: 4, onlineSeconds: 3, rawSeconds: 1, serverEnv: {} });
    expect(parseJobsOptions(['--model=cnn']).rows).toBe(2_000);
    expect(
      parseJobsOptions(['--model=cnn', '--rows=500', '--rounds=1', '--in-flight=8', '--online-seconds=2', '--config={"instances":2}', '--server-env=MODELGATE_IDLE_SPIN_MS=0']),
    ).toEqual({ model: 'cnn', rows: 500, rounds: 1, inFlight: 8, onlineSeconds: 2, rawSeconds: 1, config: '{"instances":2}', serverEnv: { MODELGATE_IDLE_SPIN_MS: '0' } });
  });

  it('refuses an unknown model, a number that is not positive, a config that is not JSON and an unknown flag', () => {
    expect(() => parseJobsOptions(['--model=resnet'])).toThrow('--model takes mlp or cnn, got "resnet"');
    expect(() => parseJobsOptions(['--rows=0'])).toThrow('--rows takes a positive number, got "0"');
    expect(() => parseJobsOptions(['--config={'])).toThrow('--config takes a JSON object');
    expect(() => parseJobsOptions(['--server-env=idle'])).toThrow('--server-env takes NAME=VALUE, got "idle"');
    expect(() => parseJobsOptions(['--fast'])).toThrow(/^unknown argument "--fast": use --model=mlp\|cnn/);
  });
});

describe("the bench's job rows", () => {
  it('writes one instance a line in the row format, cycling through distinct rows', () => {
    const { lines, distinct } = jobRows({ instanceShape: [64] }, 10_000);
    expect(distinct).toBe(4096);
    expect(lines).toHaveLength(10_000);
    expect(lines[4096]).toBe(lines[0]);
    expect(lines[1]).not.toBe(lines[0]);
    expect(JSON.parse(lines[0])).toHaveLength(64);
    const image = JSON.parse(jobRows({ instanceShape: [3, 2, 2] }, 1).lines[0]) as number[][][];
    expect(image.map((channel) => channel.map((row) => row.length))).toEqual([[2, 2], [2, 2], [2, 2]]);
  });
});

describe("the check of a job's results", () => {
  const expected = (row: number) => [row / 10, 1 - row / 10];

  it('passes one prediction a row, in order, each within the tolerance of the predict route', () => {
    const text = '{"row":1,"prediction":[0.1,0.9]}\n{"row":2,"prediction":[0.20001,0.8]}\n';
    expect(checkResults(text, 2, expected, 1e-4)).toEqual({ lines: 2, largestDifference: expect.closeTo(1e-5, 6) as number, compared: 2 });
  });

  it('names the first line that is wrong: a missing row, an error line, a different prediction, a missing line', () => {
    expect(checkResults('{"row":2,"prediction":[0.2,0.8]}\n', 1, expected, 1e-4).problem).toBe('line 1 is not row 1\'s prediction: {"row":2,"prediction":[0.2,0.8]}');
    expect(checkResults('{"row":1,"error":"bad"}\n', 1, expected, 1e-4).problem).toMatch(/^line 1 is not row 1's prediction/);
    expect(checkResults('{"row":1,"prediction":[0.3,0.9]}\n', 1, expected, 1e-4).problem).toMatch(/^row 1's prediction differs from the predict route's by 0\.(2|19999)/);
    expect(checkResults('{"row":1,"prediction":[0.1]}\n', 1, expected, 1e-4).problem).toBe("row 1's prediction has 1 values, expected 2");
    expect(checkResults('{"row":1,"prediction":[0.1,0.9]}\n', 2, expected, 1e-4).problem).toBe('1 result lines for 2 rows');
  });
});
