/**
 * A target's ticket rules as data: its ticket fields (which are required, which hang under which),
 * the longest texts it takes, and what a recurrence does by default. Each connector's manifest
 * declares one (src/connectors/<id>/manifest.ts); the domain reads it and names no target.
 */

export interface TicketFieldSpec {
  name: string;
  label: string;
  /** Must be set (in the type's fields or the defaults) for an enabled alert type. */
  required: boolean;
  /** The field whose value this field's entries hang under. */
  parent?: string;
  /** Set once for every ticket (the defaults), not per alert type: how the portal lays it out. */
  defaultOnly?: boolean;
}

export interface TicketTextLimits {
  title: number;
  description: number;
  noteTitle: number;
  noteText: number;
}

export interface TicketProfile {
  /** The target in sentences ("ConnectWise ticket fields of alert type …"). */
  target: string;
  fields: readonly TicketFieldSpec[];
  textLimits: TicketTextLimits;
  /**
   * The seeds' one checkbox-with-days, unchecked. Autotask and ConnectWise: "otherwise the initial
   * ticket is re-opened on every occurrence" (`reopen_always`). CloudBlue: reopening is off by
   * default, so a recurrence is a new ticket (`new_always`).
   */
  recurrenceWhenUnset: 'reopen_always' | 'new_always';
  /**
   * What the target can do with a ticket once made (absent: both, a PSA sets a status). A billing
   * platform that only creates tickets (Gradient) can neither, so the settings that need it —
   * auto-close, clearing the alert by ticket status, reopening — are refused for it.
   */
  lifecycle?: { close: boolean; reopen: boolean };
}
