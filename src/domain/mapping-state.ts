/**
 * The states of a company ↔ customer tenant mapping (seed 001/002): not mapped; `ready` (a proposed
 * pair a person confirms); `mapped` (the only state the loops act on); `failed` (with an error a
 * person reads and acts on).
 */
export const MAPPING_STATES = ['not_mapped', 'ready', 'mapped', 'failed'] as const;
export type MappingState = (typeof MAPPING_STATES)[number];
