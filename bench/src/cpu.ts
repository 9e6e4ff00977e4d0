/**
 * Where the CPU went during a cell (Linux /proc; empty elsewhere): the server process, its main
 * thread alone (a main thread near 1.0 core is an event loop that cannot keep up), the load
 * generator (this process), everything else on the machine, and the time a virtual machine's
 * hypervisor withheld from it (steal). Other processes and steal together above a few tenths of a
 * core mean the numbers of that cell were disturbed.
 *
 * Steal is reported apart because it is not always from outside: on a KVM guest a thread that
 * spin-waits (ONNX Runtime's intra-op threads wait so at the end of each parallel section) can make
 * the hypervisor deschedule its virtual CPU, which /proc counts as steal.
 */
import { readFile } from 'node:fs/promises';

/** CPU used by processes outside the bench, steal included, above which a measurement counts as disturbed (BUSY). */
export const BUSY_MACHINE_CORES = 0.25;

/** What disturbed a measurement: cores used by processes outside the bench, and cores stolen by the hypervisor. */
export interface Disturbance {
  otherCores: number;
  /** Absent in results written before steal was measured apart (it was then part of otherCores). */
  stealCores?: number;
}

export interface CpuUse extends Disturbance {
  /** Cores used on average over the cell. */
  serverCores: number;
  serverMainThreadCores: number;
  generatorCores: number;
}

/** Cores taken from the bench by other processes and the hypervisor together (none measured: 0). */
export function disturbedCores(disturbance: Partial<Disturbance>): number {
  return (disturbance.otherCores ?? 0) + (disturbance.stealCores ?? 0);
}

/** Whether a measurement was disturbed (BUSY). */
export function isBusy(disturbance: Partial<Disturbance> | undefined): boolean {
  return disturbance !== undefined && disturbedCores(disturbance) > BUSY_MACHINE_CORES;
}

interface Snapshot {
  at: number;
  machine: MachineTicks;
  serverTicks: number;
  serverMainTicks: number;
  generatorTicks: number;
}

/** USER_HZ: /proc reports CPU time in 1/100 s on every Linux the bench targets. */
const TICKS_PER_SECOND = 100;

export class CpuMeter {
  private start: Snapshot | undefined;

  constructor(private readonly serverPid: number) {}

  async begin(): Promise<void> {
    this.start = await this.snapshot();
  }

  async end(): Promise<CpuUse | undefined> {
    const end = await this.snapshot();
    const start = this.start;
    if (!start || !end) return undefined;
    const seconds = (end.at - start.at) / 1000;
    const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
    const server = end.serverTicks - start.serverTicks;
    const generator = end.generatorTicks - start.generatorTicks;
    return {
      serverCores: cores(server),
      serverMainThreadCores: cores(end.serverMainTicks - start.serverMainTicks),
      generatorCores: cores(generator),
      otherCores: Math.max(0, cores(end.machine.busy - start.machine.busy - server - generator)),
      stealCores: cores(end.machine.steal - start.machine.steal),
    };
  }

  private async snapshot(): Promise<Snapshot | undefined> {
    try {
      const [stat, server, serverMain, generator] = await Promise.all([
        readFile('/proc/stat', 'utf8'),
        processTicks(`/proc/${this.serverPid}/stat`),
        processTicks(`/proc/${this.serverPid}/task/${this.serverPid}/stat`),
        processTicks('/proc/self/stat'),
      ]);
      return { at: performance.now(), machine: machineTicks(stat), serverTicks: server, serverMainTicks: serverMain, generatorTicks: generator };
    } catch {
      return undefined;
    }
  }
}

interface MachineTicks {
  /** CPU time the machine's processes used: user, nice, system, irq, softirq (guest time is inside user). */
  busy: number;
  /** Time the hypervisor ran something else while this machine's CPUs had work. */
  steal: number;
}

/** From /proc/stat's first line: cpu user nice system idle iowait irq softirq steal guest guest_nice. */
export function machineTicks(stat: string): MachineTicks {
  const [user, nice, system, , , irq, softirq, steal] = stat.split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return { busy: user + nice + system + irq + softirq, steal: steal ?? 0 };
}

/** utime + stime of a process (all its threads) or of one thread. */
async function processTicks(path: string): Promise<number> {
  const stat = await readFile(path, 'utf8');
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Cores used by every process but this one, and stolen, between begin() and end() (Linux only). */
export class OtherCpuMeter {
  private start: { at: number; machine: MachineTicks; own: number } | undefined;

  async begin(): Promise<void> {
    this.start = await OtherCpuMeter.read();
  }

  async end(): Promise<Disturbance | undefined> {
    const end = await OtherCpuMeter.read();
    const start = this.start;
    if (!start || !end) return undefined;
    const cores = (ticks: number) => ticks / TICKS_PER_SECOND / ((end.at - start.at) / 1000);
    return {
      otherCores: Math.max(0, cores(end.machine.busy - start.machine.busy - (end.own - start.own))),
      stealCores: cores(end.machine.steal - start.machine.steal),
    };
  }

  private static async read(): Promise<{ at: number; machine: MachineTicks; own: number } | undefined> {
    try {
      const [stat, own] = await Promise.all([readFile('/proc/stat', 'utf8'), processTicks('/proc/self/stat')]);
      return { at: performance.now(), machine: machineTicks(stat), own };
    } catch {
      return undefined;
    }
  }
}

/**
 * Waits until a process has used at most `cores` over a 200 ms window (Linux only; at most
 * `timeoutMs`): a server stops computing some time after the load generator stops, when it has
 * queued requests (the naive CNN server holds up to 64, hundreds of milliseconds of compute), and
 * that work must not fall into the next cell, which measures another server.
 */
export async function waitUntilQuiet(pid: number, cores = 0.1, timeoutMs = 5_000): Promise<void> {
  const windowMs = 200;
  const deadline = performance.now() + timeoutMs;
  try {
    let previous = await processTicks(`/proc/${pid}/stat`);
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      const current = await processTicks(`/proc/${pid}/stat`);
      if ((current - previous) / TICKS_PER_SECOND / (windowMs / 1000) <= cores) return;
      previous = current;
    }
  } catch {
    // Not Linux, or the process is gone: nothing to wait for.
  }
}

/** Cores the rest of the machine uses, and steal, while the bench sits idle for `milliseconds`. */
export async function backgroundCores(milliseconds: number): Promise<Disturbance | undefined> {
  const meter = new OtherCpuMeter();
  await meter.begin();
  await new Promise((resolve) => setTimeout(resolve, milliseconds));
  return meter.end();
}
