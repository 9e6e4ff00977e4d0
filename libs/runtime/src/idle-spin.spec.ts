/**
 * Idle spin (worker/idle-spin): a primary worker polls for its next batch while the host holds no
 * other request, and the main thread hands the batch over through the worker's bell. These specs
 * start real worker threads from the built worker script: build the runtime first
 * (`npx tsc -p libs/runtime/tsconfig.lib.json`). The spins outlast the test timeout, so that
 * whether a batch was handed over never depends on the machine's speed, and a spin that failed to
 * notice a message would make its spec time out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelRuntime, type ModelRuntimeOptions, type WorkerEvent } from './pool';
import { linearInputs, linearReluModel } from './spec-models.fixture';
import { ActivityGauge, armBell, BELL_HANDED, BELL_IDLE, BELL_SPINNING, handOver, spinForBatch } from './worker/idle-spin';

const LONG_SPIN_MS = 60_000;

let dir: string;
let linearPath: string;
let runtime: ModelRuntime | undefined;
let events: WorkerEvent[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-idle-spin-'));
  linearPath = join(dir, 'linear.onnx');
  writeFileSync(linearPath, linearReluModel());
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

async function load(options: ModelRuntimeOptions): Promise<ModelRuntime> {
  events = [];
  runtime = new ModelRuntime({ totalThreads: 2, laneMinRunMs: Infinity, testHooks: true, onWorkerEvent: (event) => events.push(event), ...options });
  await runtime.load('linear:1', { format: 'onnx', artifactPath: linearPath });
  return runtime;
}

const handOvers = () => runtime?.stats('linear:1')?.batches.handedOver ?? 0;

/** Batches the queue handed over through the bell while `requests` ran. */
async function handedOverDuring(requests: () => Promise<void>): Promise<number> {
  const before = handOvers();
  await requests();
  return handOvers() - before;
}

/** Requests one after another, each checked against the reference. */
async function inferInTurn(count: number, rows = 1): Promise<void> {
  for (let seed = 1; seed <= count; seed++) {
    const { inputs, expected } = linearInputs(rows, seed);
    const result = await (runtime as ModelRuntime).infer('linear:1', inputs);
    expect(Array.from(result.outputs['y'].data as Float32Array)).toEqual(expected);
  }
}

describe('idle spin', () => {
  it('hands a lone client its next batches through the bell, with the same answers', async () => {
    const rt = await load({ idleSpinMs: LONG_SPIN_MS });
    // The host holds one request at a time, as the API counts a lone client's.
    rt.activity.enter();
    // Each answer leaves the worker spinning for the next batch.
    expect(await handedOverDuring(() => inferInTurn(6))).toBe(6);
    rt.activity.leave();
  });

  it('does not spin while the host holds other requests', async () => {
    const rt = await load({ idleSpinMs: LONG_SPIN_MS });
    rt.activity.enter();
    rt.activity.enter();
    await inferInTurn(1);
    expect(await handedOverDuring(() => inferInTurn(4))).toBe(0);
    expect(rt.activity.requests).toBe(2);
  });

  it('stops spinning after a batch that came later than a spin lasts, and spins again after one that came in time', async () => {
    const spinMs = 500;
    const rt = await load({ idleSpinMs: spinMs });
    rt.activity.enter();
    await inferInTurn(1);
    // The worker spins for 500 ms after that answer and gives up; this request comes after it.
    await new Promise((resolve) => setTimeout(resolve, 3 * spinMs));
    const late = await handedOverDuring(() => inferInTurn(1));
    // The late batch says that this client does not come back within a spin: no spin after it,
    // so the next request goes by message. It came in time, so the worker spins after it again.
    const next = await handedOverDuring(() => inferInTurn(1));
    const again = await handedOverDuring(() => inferInTurn(2));
    expect([late, next, again]).toEqual([0, 0, 2]);
    rt.activity.leave();
  });

  it('is off unless idleSpinMs is set', async () => {
    const rt = await load({});
    rt.activity.enter();
    expect(await handedOverDuring(() => inferInTurn(4))).toBe(0);
  });

  it('stops spinning for a message: a batch whose slot grew, a batch sent without shared memory, an unload', async () => {
    let rt = await load({ idleSpinMs: LONG_SPIN_MS });
    rt.activity.enter();
    // 20,000 rows (240 KB) outgrow the slot's first buffer (64 KB): the new buffer and the batch go by message.
    const handed = await handedOverDuring(async () => {
      await inferInTurn(2);
      await inferInTurn(1, 20_000);
      await inferInTurn(1);
    });
    expect(handed).toBe(3);
    // The worker is spinning now; unload reaches it by message.
    await rt.unload('linear:1');
    await rt.close();

    rt = await load({ idleSpinMs: LONG_SPIN_MS, sharedMemory: false });
    rt.activity.enter();
    expect(await handedOverDuring(() => inferInTurn(3))).toBe(0);
  });

  it('replaces a worker that crashes while it spins', async () => {
    const rt = await load({ idleSpinMs: LONG_SPIN_MS });
    rt.activity.enter();
    await inferInTurn(1);
    rt.simulateWorkerCrash('linear:1', 0, 'exit');
    await expect.poll(() => events.map((event) => event.type), { timeout: 10_000 }).toContain('replaced');
    // The dead worker held the turn to spin; its replacement gets it back after its first answer.
    expect(await handedOverDuring(() => inferInTurn(3))).toBe(2);
  });
});

describe('the bell', () => {
  const words = () => ({ bell: new Int32Array(new SharedArrayBuffer(4)), gauge: new ActivityGauge() });

  it('takes a hand-over only while the worker spins', () => {
    const { bell } = words();
    expect(handOver(bell, 1)).toBe(false);
    Atomics.store(bell, 0, BELL_SPINNING);
    expect(handOver(bell, 1)).toBe(true);
    expect(Atomics.load(bell, 0)).toBe(BELL_HANDED + 1);
    expect(handOver(bell, 0)).toBe(false);
  });

  it('lets one worker spin at a time, and none while the host holds two requests', () => {
    const { bell, gauge } = words();
    const gaugeWords = new Int32Array(gauge.buffer);
    const other = new Int32Array(new SharedArrayBuffer(4));
    expect(armBell(bell, gaugeWords, 1)).toBe(true);
    expect(Atomics.load(bell, 0)).toBe(BELL_SPINNING);
    expect(armBell(other, gaugeWords, 2)).toBe(false);
    // A waiting message ends the spin; the bell is idle again and the other worker may spin.
    expect(spinForBatch(bell, gaugeWords, LONG_SPIN_MS, () => true)).toBe(-1);
    expect(Atomics.load(bell, 0)).toBe(BELL_IDLE);
    expect(armBell(other, gaugeWords, 2)).toBe(true);
    expect(spinForBatch(other, gaugeWords, 1, () => false)).toBe(-1);

    gauge.enter();
    gauge.enter();
    expect(armBell(bell, gaugeWords, 1)).toBe(false);
    expect(Atomics.load(bell, 0)).toBe(BELL_IDLE);
  });

  it('ends a spin when a second request arrives', () => {
    const { bell, gauge } = words();
    const gaugeWords = new Int32Array(gauge.buffer);
    gauge.enter();
    expect(armBell(bell, gaugeWords, 1)).toBe(true);
    expect(spinForBatch(bell, gaugeWords, LONG_SPIN_MS, () => (gauge.enter(), false))).toBe(-1);
    expect(gauge.requests).toBe(2);
  });

  it('answers the slot handed over before or while it spins, and leaves the bell idle', () => {
    const { bell, gauge } = words();
    const gaugeWords = new Int32Array(gauge.buffer);
    expect(armBell(bell, gaugeWords, 1)).toBe(true);
    expect(handOver(bell, 1)).toBe(true);
    expect(spinForBatch(bell, gaugeWords, LONG_SPIN_MS, () => false)).toBe(1);
    expect(Atomics.load(bell, 0)).toBe(BELL_IDLE);

    expect(armBell(bell, gaugeWords, 1)).toBe(true);
    expect(spinForBatch(bell, gaugeWords, LONG_SPIN_MS, () => handOver(bell, 0) && false)).toBe(0);
    expect(Atomics.load(bell, 0)).toBe(BELL_IDLE);
  });
});
