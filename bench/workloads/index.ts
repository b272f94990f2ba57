// Every benchmark workload `npm run bench` knows, by the name a filter matches. A workload takes the
// run's scale (bench/scale.ts); test/bench.int.test.ts runs each at the smallest one. Each is loaded
// only when it runs: several start emulators in the bench's own process, and their code (loaded
// through tsx) would otherwise count in the memory of a workload that runs its emulators apart.
import type { Workload } from '../scale.ts';

export const workloads: Record<string, Workload> = {
  'acronis-large': async (scale) => (await import('./acronis-large.ts')).acronisLarge(scale),
  'alert-storm': async (scale) => (await import('./alert-storm.ts')).alertStorm(scale),
  'alerts-to-tickets': async (scale) => (await import('./alerts-to-tickets.ts')).alertsToTickets(scale),
  'autotask-webhooks': async (scale) => (await import('./autotask-webhooks.ts')).autotaskWebhooks(scale),
  'connectwise-large': async (scale) => (await import('./connectwise-large.ts')).connectwiseLarge(scale),
  'gradient-large': async (scale) => (await import('./gradient-large.ts')).gradientLarge(scale),
  interworks: async (scale) => (await import('./interworks.ts')).interworks(scale),
  'sync-large': async (scale) => (await import('./sync-large.ts')).syncLarge(scale),
  'tenant-events': async (scale) => (await import('./tenant-events.ts')).tenantEvents(scale),
};
