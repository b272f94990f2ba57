// Every benchmark workload `npm run bench` knows, by the name a filter matches. A workload takes the
// run's scale (bench/scale.ts); test/bench.int.test.ts runs each at the smallest one.
import type { Workload } from '../scale.ts';
import { acronisLarge } from './acronis-large.ts';
import { alertStorm } from './alert-storm.ts';
import { alertsToTickets } from './alerts-to-tickets.ts';
import { autotaskWebhooks } from './autotask-webhooks.ts';
import { connectwiseLarge } from './connectwise-large.ts';
import { gradientLarge } from './gradient-large.ts';
import { interworks } from './interworks.ts';
import { syncLarge } from './sync-large.ts';

export const workloads: Record<string, Workload> = {
  'acronis-large': acronisLarge,
  'alert-storm': alertStorm,
  'alerts-to-tickets': alertsToTickets,
  'autotask-webhooks': autotaskWebhooks,
  'connectwise-large': connectwiseLarge,
  'gradient-large': gradientLarge,
  interworks,
  'sync-large': syncLarge,
};
