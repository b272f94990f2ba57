import { createInProcessJobRunner } from './in-process-runner.ts';
import { describeJobRunnerContract } from './job-runner-contract.test-support.ts';

describeJobRunnerContract('in-process', async (recorder) => ({
  runner: createInProcessJobRunner({ recorder, firstRunSpreadMs: 0, retryJitter: 0 }),
}));
