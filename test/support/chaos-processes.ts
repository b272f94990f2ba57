// Test-only: real `psa-bridge` processes a chaos test can SIGKILL and start again. Each command
// announces itself on its first stdout line (serve: "psa-bridge listening on <url>", emulate and
// worker: one JSON line); `start()` waits for it, `kill()` is SIGKILL and waits for the exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { BIN } from './cli.ts';

export interface ChaosProcess {
  readonly name: string;
  /** The announcement line of the current incarnation. */
  readonly firstLine: string;
  /** How many times it was started (1 after the first start). */
  readonly starts: number;
  start(): Promise<string>;
  kill(): Promise<void>;
  /** SIGTERM, as an operator stops it. */
  stop(): Promise<void>;
  /** The last stderr of the current incarnation (for failure messages). */
  stderrTail(): string;
}

/** `announce`: which stdout line is the announcement (default the first; serve may log a warning before it). */
export function chaosProcess(name: string, args: readonly string[], env: NodeJS.ProcessEnv, announce: RegExp = /./, timeoutMs = 60_000): ChaosProcess {
  let child: ChildProcess | undefined;
  let firstLine = '';
  let starts = 0;
  let stderr = '';
  const exited = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exit = once(running, 'exit');
    running.kill(signal);
    await exit;
  };
  return {
    name,
    get firstLine() {
      return firstLine;
    },
    get starts() {
      return starts;
    },
    stderrTail: () => stderr.slice(-4000),
    async start() {
      stderr = '';
      const started = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      starts += 1;
      started.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
      firstLine = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`${name}: no first line after ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        started.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n').slice(0, -1).find((l) => announce.test(l));
          if (line !== undefined) {
            clearTimeout(timer);
            resolve(line);
          }
        });
        started.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code ?? signal}) before its first line; stderr: ${stderr}`));
        });
      });
      return firstLine;
    },
    kill: () => exited('SIGKILL'),
    stop: () => exited('SIGTERM'),
  };
}

/** `psa-bridge emulate <system> --seed demo` started: its URL and seeded credentials. */
export async function startEmulatorProcess(system: string): Promise<{ process: ChaosProcess; url: string; credentials: Record<string, string> }> {
  const emulator = chaosProcess(`${system} emulator`, ['emulate', system, '--seed', 'demo'], {});
  const line = JSON.parse(await emulator.start()) as { url: string; credentials: Record<string, string> };
  return { process: emulator, url: line.url, credentials: line.credentials };
}
