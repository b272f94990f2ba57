/**
 * A company ↔ customer tenant pair proposed for a person to confirm (the marketplace wizard's, the
 * name suggestions'): who with whom, whether it is ticked for the person, and why to look twice.
 */
export interface ProposedPair {
  companyId: string;
  companyName: string;
  tenantId: string;
  tenantName: string;
  /** Whether the confirmation ticks it for the person (never with warnings). */
  preselected: boolean;
  warnings: string[];
}
