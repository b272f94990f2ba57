/**
 * The refusals of the customer mapping actions and the mapping job: a code, the HTTP status the API
 * answers with, a message a person can act on, and the ids it is about.
 */
export type MappingActionErrorCode =
  | 'company_not_found'
  | 'tenant_not_found'
  | 'not_a_customer_tenant'
  | 'tenant_already_mapped'
  | 'company_already_mapped'
  | 'tenant_unmanageable'
  | 'not_ready'
  | 'not_mapped'
  | 'logins_exhausted'
  | 'admin_account_impossible'
  | 'not_offered';

const STATUS_OF: Record<MappingActionErrorCode, number> = {
  company_not_found: 404,
  tenant_not_found: 404,
  not_a_customer_tenant: 400,
  tenant_already_mapped: 409,
  company_already_mapped: 409,
  tenant_unmanageable: 409,
  not_ready: 409,
  not_mapped: 409,
  logins_exhausted: 409,
  admin_account_impossible: 422,
  not_offered: 400,
};

export class MappingActionError extends Error {
  readonly code: MappingActionErrorCode;
  readonly status: number;
  readonly context: Record<string, string>;
  constructor(code: MappingActionErrorCode, message: string, context: Record<string, string> = {}) {
    super(message);
    this.name = 'MappingActionError';
    this.code = code;
    this.status = STATUS_OF[code];
    this.context = context;
  }
}
