import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The standalone server package folder and the repository root. */
export const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const REPO_ROOT = path.resolve(SERVER_DIR, '../..');

/** A secret-free base environment for child processes: fixed keys, a fresh data dir, a free port. */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudlink-server-'));
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    PORT: '0',
    HOST: '127.0.0.1',
    CLOUDLINK_DATA_DIR: dataDir,
    CLOUDLINK_ENCRYPTION_KEYS: `t1:${Buffer.alloc(32, 9).toString('base64')}`,
    CLOUDLINK_JWT_SECRET: 'spawned-server-test-secret-0123456789abcdef',
    ...extra,
  };
}

/** A server running as a real child process (`node dist/main.js`, the build production runs). */
export interface SpawnedServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every stdout line so far (pino JSON). */
  readonly lines: string[];
  readonly stderr: string[];
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM and wait for the exit; SIGKILL after 15 s. */
  stop(): Promise<number | null>;
}

/**
 * Start the built `dist/main.js` (the vitest global setup builds it when stale) with `env` and wait for its "listening" log line (which carries the URL, so
 * PORT=0 works without guessing a free port).
 */
export async function spawnServer(
  env: Record<string, string>,
  timeoutMs = 30_000,
  /** Another copy of the server (e.g. a `pnpm deploy` output) and its start command; default `node dist/main.js` here. */
  at: { readonly cwd: string; readonly args: readonly string[] } = { cwd: SERVER_DIR, args: ['dist/main.js'] },
): Promise<SpawnedServer> {
  const child = spawn(process.execPath, at.args, {
    cwd: at.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let buffered = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${stderr.join('')}\n${lines.join('\n')}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (line.includes('cloudlink server listening')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { url: string }).url);
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${stderr.join('')}\n${lines.join('\n')}`));
    });
  });
  return {
    url,
    child,
    lines,
    stderr,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

/** Run the `cloudlink` CLI (bin/cloudlink.mjs) with `env`; resolves with exit code, stdout and stderr. */
export function runCli(args: readonly string[], env: Record<string, string>, serverDir = SERVER_DIR): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(serverDir, 'bin/cloudlink.mjs'), ...args], { cwd: serverDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
