// The contract every emulator honours, so the CLI, the tests and the registry can start any of them
// the same way.

// `distributor` is the Acronis emulator's distributor with service providers; other emulators seed it empty.
export const datasetNames = ['empty', 'demo', 'large', 'distributor'] as const;
export type DatasetName = (typeof datasetNames)[number];

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'demo'. */
  seed?: DatasetName;
  /**
   * How many customers the `large` dataset generates (default `LARGE_DATASET_SIZE`): benchmarks'
   * quick runs and their smoke test seed a few hundred instead of ten thousand.
   */
  size?: number;
}

/** Customers in the `large` dataset of every emulator unless `size` says otherwise. */
export const LARGE_DATASET_SIZE = 10_000;

/** What a dataset builder is told besides the dataset's name. */
export interface SeedOptions {
  /** Customers of the `large` dataset. */
  size: number;
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
