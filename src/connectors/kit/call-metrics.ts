/**
 * One record per HTTP attempt (retries count: they are API calls the remote system sees).
 * Benchmarks sum them to report "API calls"; /metrics turns them into a Prometheus counter.
 */
export interface CallRecord {
  system: string;
  method: string;
  /** What the call was for, low-cardinality ("list tenants"), usable as a metric label. */
  operation: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** Error code when the attempt failed, undefined on success. */
  errorCode?: string;
  attempt: number;
  durationMs: number;
}

export type CallObserver = (record: CallRecord) => void;

export interface CallCounter {
  readonly observe: CallObserver;
  total(filter?: Partial<Pick<CallRecord, 'system' | 'method' | 'operation' | 'status'>>): number;
  /** Counts keyed `system method status`, e.g. `acronis GET 200`. */
  byKey(): Record<string, number>;
  records(): readonly CallRecord[];
  reset(): void;
}

export function createCallCounter(): CallCounter {
  let log: CallRecord[] = [];
  return {
    observe: (record) => {
      log.push(record);
    },
    total: (filter = {}) =>
      log.filter(
        (r) =>
          (filter.system === undefined || r.system === filter.system) &&
          (filter.method === undefined || r.method === filter.method) &&
          (filter.operation === undefined || r.operation === filter.operation) &&
          (filter.status === undefined || r.status === filter.status),
      ).length,
    byKey: () => {
      const counts: Record<string, number> = {};
      for (const r of log) {
        const key = `${r.system} ${r.method} ${r.status}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    records: () => log,
    reset: () => {
      log = [];
    },
  };
}

/** Calls several observers; an observer that throws must not break the API call. */
export function combineObservers(...observers: (CallObserver | undefined)[]): CallObserver {
  const active = observers.filter((o): o is CallObserver => o !== undefined);
  return (record) => {
    for (const observer of active) {
      try {
        observer(record);
      } catch {
        // Metrics are best effort.
      }
    }
  };
}
