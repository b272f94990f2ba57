// The contract every emulator honours, so the CLI, the tests and the registry can start any of them
// the same way.

export const datasetNames = ['empty', 'demo', 'large'] as const;
export type DatasetName = (typeof datasetNames)[number];

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'demo'. */
  seed?: DatasetName;
}

export interface RunningEmulator {
  system: string;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Exactly the credentials the seeded dataset accepts (the CLI prints them). */
  credentials: Record<string, string>;
  close(): Promise<void>;
}

export type StartEmulator = (options?: EmulatorOptions) => Promise<RunningEmulator>;
