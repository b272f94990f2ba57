import { InvalidArgumentError, type Command } from 'commander';
import { datasetNames, LARGE_DATASET_SIZE, type DatasetName } from '../../emulators/kit/types.ts';
import { emulators } from '../../emulators/registry.ts';
import { parsePort, waitForShutdownSignal } from './process-lifecycle.ts';

type SystemName = keyof typeof emulators;

function parseSystem(value: string): SystemName {
  if (!(value in emulators)) {
    throw new InvalidArgumentError(`unknown system "${value}"; choose one of: ${Object.keys(emulators).join(', ')}`);
  }
  return value as SystemName;
}

function parseDataset(value: string): DatasetName {
  if (!(datasetNames as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`unknown dataset "${value}"; choose one of: ${datasetNames.join(', ')}`);
  }
  return value as DatasetName;
}

function parseSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new InvalidArgumentError(`"${value}" is not a size: give a whole number of customers from 1 to 1,000,000`);
  }
  return n;
}

export function registerEmulateCommand(program: Command): void {
  program
    .command('emulate')
    .description('run one emulator of an external API (first stdout line: {"system","url","credentials"})')
    .argument('<system>', `one of: ${Object.keys(emulators).join(', ')}`, parseSystem)
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', parsePort, 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-s, --seed <dataset>', `dataset: ${datasetNames.join(', ')}`, parseDataset, 'demo' as DatasetName)
    .option('--size <customers>', `customers of the large dataset (default ${LARGE_DATASET_SIZE.toLocaleString('en')})`, parseSize)
    .action(async (system: SystemName, options: { port: number; host: string; seed: DatasetName; size?: number }) => {
      const running = await emulators[system]({ port: options.port, host: options.host, seed: options.seed, ...(options.size === undefined ? {} : { size: options.size }) });
      // Scripts and tests read this first line to find the emulator and its seeded credentials.
      process.stdout.write(`${JSON.stringify({ system: running.system, url: running.url, credentials: running.credentials })}\n`);
      process.stderr.write(`${running.system} emulator (${options.seed}) listening on ${running.url}; control API at ${running.url}/_emulator/\n`);
      await waitForShutdownSignal();
      await running.close();
    });
}
