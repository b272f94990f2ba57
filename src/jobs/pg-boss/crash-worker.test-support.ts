// A worker process for the pg-boss runner's crash test: it takes jobs of the loop `directory`,
// prints `started <integrationId>` when a run begins and then hangs until it is killed.
// Run with: node --import tsx src/jobs/pg-boss/crash-worker.test-support.ts <connection string>
import { createMemoryRunRecorder } from '../memory-run-recorder.test-support.ts';
import { createPgBossJobRunner } from './runner.ts';

const connectionString = process.argv[2];
if (!connectionString) throw new Error('usage: crash-worker.test-support.ts <connection string>');
const runner = createPgBossJobRunner({
  connectionString,
  recorder: createMemoryRunRecorder(),
  pollIntervalMs: 100,
  expireInSeconds: 3,
  maintenanceIntervalSeconds: 1,
});
runner.register({
  name: 'directory',
  retry: { retryLimit: 2, retryDelayMs: 1_000, retryBackoff: false },
  handler: async (ctx) => {
    process.stdout.write(`started ${ctx.integrationId}\n`);
    await new Promise(() => {});
  },
});
await runner.start();
process.stdout.write('ready\n');
