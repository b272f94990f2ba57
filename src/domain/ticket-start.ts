/**
 * From when alerts become tickets. Switching ticket creation on must not flood the PSA with a ticket
 * for every alert already open, some of them months old: by default only alerts raised from the
 * moment a person switched it on become tickets (`raiseFrom`); the alerts open before are listed to
 * that person with their count and raised only if they choose (`raiseFrom: null`).
 */
export interface TicketStart {
  /** ISO time; alerts created before it are not raised. Null: every open alert is raised. */
  raiseFrom: string | null;
  decidedBy: string;
  decidedAt: string;
}

/** Whether an alert is older than the start and is therefore left alone (never raised as a ticket). */
export function raisedBeforeStart(alertCreatedAt: string | null, start: TicketStart | null): boolean {
  if (start === null || start.raiseFrom === null) return false;
  // An alert without a creation time is treated as old: raising it could be exactly the flood.
  if (alertCreatedAt === null) return true;
  // The vendor stamps alerts to the second: an alert of the same second as the start is a new one.
  return Date.parse(alertCreatedAt) < Math.floor(Date.parse(start.raiseFrom) / 1000) * 1000;
}
