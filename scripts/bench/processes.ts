import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** A server process under measurement: where it listens, and its CPU time and memory as the kernel counts them. */
export interface Target {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** User + system CPU time of the process so far, in µs (from /proc). */
  cpuMicros(): number;
  /** Resident set size now, in bytes (from /proc). */
  rssBytes(): number;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on

/** utime + stime of `pid` in µs. */
export function cpuMicrosOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND;
}

/** VmRSS of `pid` in bytes. */
export function rssBytesOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** SIGTERM `child` and wait for its exit (SIGKILL after 10 s). */
export function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released for the child to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `node` flags for a server under measurement: with BENCH_PROFILE_DIR set, a V8 CPU profile of it
 * (a .cpuprofile, for Chrome DevTools), written there when it stops.
 */
export function profileFlags(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`] : [];
}

/** The process `pid`, listening at `url`, as a benchmark target. */
export function targetOf(name: string, url: string, pid: number, stop: () => Promise<void>): Target {
  return { name, url, pid, cpuMicros: () => cpuMicrosOf(pid), rssBytes: () => rssBytesOf(pid), stop };
}

/**
 * Start `node <args>` and resolve once it prints `listening <port>` on stdout (the baselines'
 * protocol). Its stderr is kept and shown if it exits before that.
 */
export function spawnListening(name: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Target> {
  const child = spawn(process.execPath, [...profileFlags(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^listening (\d+)$/.exec(line);
      if (m) resolve(targetOf(name, `http://127.0.0.1:${m[1]}`, child.pid!, stopper(child)));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening:\n${stderr}`)));
  });
}
