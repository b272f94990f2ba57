import { describeTargetContract } from '../contract/target-contract.test-support.ts';
import { startConnectWiseHarness } from './test-support.ts';

describeTargetContract('connectwise', async () => {
  const h = await startConnectWiseHarness('demo');
  const { target } = h.target({ sleep: undefined });
  const lists = await target.tickets.picklists();
  const board = lists.board?.find((b) => b.label === 'Professional Services')?.value ?? '1';
  const onBoard = (field: string, label: string) => lists[field]?.find((e) => e.label === label && e.parent === board)?.value;
  const completed = onBoard('status', 'Completed');
  const type = onBoard('type', 'Break-fix');
  return {
    target,
    fixtures: { ticketFields: { board, ...(type === undefined ? {} : { type }) }, ...(completed === undefined ? {} : { closedTicketStatus: completed }) },
    close: () => h.close(),
  };
});
