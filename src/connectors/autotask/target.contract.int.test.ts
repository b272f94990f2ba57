import { describeTargetContract } from '../contract/target-contract.test-support.ts';
import { startAutotaskHarness } from './test-support.ts';

describeTargetContract('autotask', async () => {
  const h = await startAutotaskHarness('demo');
  const { target } = h.target({ sleep: undefined });
  const statuses = await target.client.fields('Tickets');
  const complete = statuses.find((f) => f.name === 'status')?.picklistValues?.find((v) => v.label === 'Complete')?.value;
  return {
    target,
    fixtures: { ticketFields: {}, ...(complete === undefined ? {} : { closedTicketStatus: complete }) },
    close: () => h.close(),
  };
});
