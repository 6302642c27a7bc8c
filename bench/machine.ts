/**
 * The machine a benchmark ran on, for its printout: the CPU model, its core count, the vector
 * instruction sets it offers, the load average, and which instruction set normlab's own compiled
 * kernels dispatched to.
 *
 * A benchmark's ratios mean little without the CPU they came from: the same code and the same
 * reference gave normlab/PyTorch ratios a third apart on an AMD EPYC and on an Intel Xeon with
 * AVX-512, so every speed bench prints {@link describeMachine} at its top.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { nativeKernelsActive } from '../lib/native/tensorflow-ops';

/** The vector instruction sets a CPU flag list is searched for, widest last. */
const ISA_FLAGS = [
  'sse4_2',
  'avx',
  'fma',
  'avx2',
  'avx512f',
  'avx512bw',
  'avx512vl',
  'avx512_bf16',
  'amx_tile',
];

/** What {@link describeMachine} reports. */
export interface MachineInfo {
  /** The CPU's model name (`/proc/cpuinfo`'s "model name", or Node's idea of it). */
  cpuModel: string;
  /** Logical CPUs this process can see. */
  cpuCount: number;
  /** Which of {@link ISA_FLAGS} the CPU offers. */
  isa: string[];
  /** The 1, 5 and 15 minute load averages when it was asked. */
  load: number[];
  /** What normlab's compiled kernels dispatched to, or why that is not known. */
  kernels: string;
}

/** The CPU's flags from `/proc/cpuinfo` (empty where there is none, e.g. not Linux). */
function cpuFlags(): Set<string> {
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const line = text.split('\n').find((l) => /^flags\s*:/.test(l));
    return new Set(line ? line.replace(/^flags\s*:\s*/, '').split(/\s+/) : []);
  } catch {
    return new Set();
  }
}

/** The CPU's model name from `/proc/cpuinfo`, else from Node. */
function cpuModel(): string {
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const line = text.split('\n').find((l) => /^model name\s*:/.test(l));
    if (line) return line.replace(/^model name\s*:\s*/, '').trim();
  } catch {
    // Not Linux: Node's own report below.
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

/** The part of lib/native's kernel loader this report reads. */
interface KernelsStatus {
  module: { isa: string; threads: number } | null;
  reason: string | null;
}

/**
 * What normlab's compiled normalization kernels report (`normKernelsStatus()` of
 * lib/native/norm-kernels-module.ts): the instruction set their run-time dispatch picked
 * (`avx512`, `avx2` or `baseline`) and their threads, or why they are not loaded. The module is
 * imported by a path held in a variable, so the benches still type-check and run on a tree
 * without the kernels (the line then says so).
 */
async function kernelDispatch(): Promise<string> {
  const loader = '../lib/native/norm-kernels-module';
  let status: KernelsStatus;
  try {
    const imported = (await import(loader)) as { normKernelsStatus?: () => KernelsStatus };
    if (typeof imported.normKernelsStatus !== 'function')
      return `not reported (${loader} has no normKernelsStatus)`;
    status = imported.normKernelsStatus();
  } catch {
    return `not in this tree (no ${loader}); the portable path runs`;
  }
  if (!status.module) return `not loaded (${status.reason ?? 'no reason given'}); the portable path runs`;
  const off = nativeKernelsActive()
    ? ''
    : ' (switched off: setNativeKernels(false) or NORMLAB_NATIVE_KERNELS=0)';
  const { isa, threads } = status.module;
  return `${isa}, ${threads} thread${threads === 1 ? '' : 's'}${off}`;
}

/** The machine's description; call it after the backend is initialized. */
export async function machineInfo(): Promise<MachineInfo> {
  const flags = cpuFlags();
  return {
    cpuModel: cpuModel(),
    cpuCount: cpus().length,
    isa: ISA_FLAGS.filter((f) => flags.has(f)),
    load: loadavg(),
    kernels: await kernelDispatch(),
  };
}

/** Load averages as printed: `0.8 0.6 0.3`. */
export function formatLoad(load: readonly number[] = loadavg()): string {
  return load.map((l) => l.toFixed(1)).join(' ');
}

/** {@link machineInfo} as the lines a bench prints at its top. */
export async function describeMachine(): Promise<string> {
  const m = await machineInfo();
  return [
    `CPU: ${m.cpuModel}, ${m.cpuCount} logical CPUs; vector ISA: ${m.isa.join(' ') || 'none found'}`,
    `normlab's compiled kernels: ${m.kernels}`,
    `load average: ${formatLoad(m.load)}`,
  ].join('\n');
}

/** The line a bench ends with: the load average at its start and now, and the CPU count. */
export function loadFooter(machine: MachineInfo): string {
  return (
    `load average at the start ${formatLoad(machine.load)}, at the end ${formatLoad()} ` +
    `(${machine.cpuCount} CPUs, shared with whatever else runs on the machine).`
  );
}

/** Run a bench's main function; a failure prints its stack and exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  });
}

/** CPU seconds this process (all its threads) has used since `start` (from `process.cpuUsage()`). */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}
