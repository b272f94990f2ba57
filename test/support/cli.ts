import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/psa-bridge.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `psa-bridge …` to completion, as a user would from a shell: in `cwd` (default this
 * process's), with `env` added to this process's environment and the `unset` variables removed.
 */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string; unset?: readonly string[] } = {}): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...env };
  for (const name of options.unset ?? []) delete childEnv[name];
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

export interface LongRunningCli {
  child: ChildProcessWithoutNullStreams;
  /** The first stdout line, parsed: every long-running command announces itself with one JSON line. */
  firstLine: Record<string, unknown>;
  output(): { stdout: string; stderr: string };
  stop(): Promise<number | null>;
}

/** Starts a long-running command (`emulate`, `demo`, `serve`) and waits for its first stdout line. */
export async function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<LongRunningCli> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no first line after ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(stdout.slice(0, newline)) as Record<string, unknown>);
        } catch (error) {
          reject(new Error(`first line is not JSON: ${stdout.slice(0, newline)} (${String(error)})`));
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before its first line; stderr: ${stderr}`));
    });
  });
  return {
    child,
    firstLine,
    output: () => ({ stdout, stderr }),
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
