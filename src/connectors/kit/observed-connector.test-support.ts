// Test-only: a connector built to be watched: its calls counted and its sleeps recorded (retries and
// pacing return at once), named "emulator" as a test's connection is.
import { createCallCounter, type CallCounter, type CallObserver } from './call-metrics.ts';

export interface ConnectorObservers {
  connectionName: string;
  onCall: CallObserver;
  sleep: (ms: number) => Promise<void>;
}

export function observedConnector<T>(create: (observers: ConnectorObservers) => T): { target: T; calls: CallCounter; sleeps: number[] } {
  const calls = createCallCounter();
  const sleeps: number[] = [];
  const target = create({
    connectionName: 'emulator',
    onCall: calls.observe,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { target, calls, sleeps };
}
