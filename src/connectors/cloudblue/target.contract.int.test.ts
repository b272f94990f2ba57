import { describeTargetContract } from '../contract/target-contract.test-support.ts';
import { startCloudBlueHarness } from './test-support.ts';

describeTargetContract('cloudblue', async () => {
  const h = await startCloudBlueHarness('demo');
  const { target } = h.target();
  const lists = await target.tickets!.picklists();
  const id = (field: string, label: string) => lists[field]?.find((e) => e.label === label)?.value as string;
  return {
    target,
    fixtures: {
      ticketFields: { type: id('type', 'Incident A'), category: '103', team: id('team', 'Support') },
      closedTicketStatus: id('status', 'Closed'),
    },
    close: () => h.close(),
  };
});
