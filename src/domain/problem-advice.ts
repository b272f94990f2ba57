/**
 * What a person does about each plan problem, in the portal's words. Problems say what is wrong
 * (their message); this says where to go to fix it, so the problems list and `psa-bridge status`
 * give both. Unknown codes get a general hint rather than nothing.
 */
const ADVICE: Readonly<Record<string, string>> = {
  item_not_available:
    'Offer the service to customers in the partner tenant, or map the contract line to a service the partner offers (Product mapping tab). Until then none of the company\u2019s changes are applied.',
  advanced_without_standard: 'Add the Standard service to the contract, or remove the Advanced pack from it.',
  invalid_product_mapping: 'Fix the errors shown on the Product mapping tab; no tenant is changed until then.',
  unknown_item: 'Remove the entry from the product mapping, or choose an offering item the hub knows.',
  storage_infra_required: 'Choose the storage this service is for on the Product mapping tab.',
  infra_not_applicable: 'Remove the storage from this entry on the Product mapping tab.',
  unknown_storage: 'Choose one of the partner tenant\u2019s storages on the Product mapping tab.',
  duplicate_item: 'Keep one service for the item on the Product mapping tab.',
  empty_service_name: 'Name the new service, or choose an existing one, on the Product mapping tab.',
  service_name_shared: 'Rename one of the new services on the Product mapping tab.',
  unknown_bundle: 'Declare the bundle, or remove it from the entry, on the Product mapping tab.',
  product_shared: 'Give the bundle its own id on the Product mapping tab.',
  empty_bundle: 'Put a mapped service in the bundle, or remove it.',
  tenant_missing: 'Remove the mapping or map the company to an existing tenant (Customer mapping tab).',
  not_mapped: 'Map the company to a tenant (Customer mapping tab), or turn automatic provisioning on (Provisioning tab).',
  mapping_unconfirmed: 'Confirm or change the suggested tenant on the Customer mapping tab.',
  unlinked_by_person: 'Map the company again on the Customer mapping tab if it should be provisioned.',
  admin_email_missing: 'Set the activation email on the Provisioning tab.',
  admin_password_missing: 'Set the manual admin password on the Provisioning tab.',
  no_default_storage: 'Sell a storage in the contract, or choose a default storage on the Product mapping tab; without either the customer gets no cloud storage (quota 0).',
  tenant_unmanageable: 'Nothing to do in the hub: the customer manages this tenant itself. Map the company to another tenant if it should be provisioned.',
  contract_ended: 'Nothing to do unless the tenant should be deprovisioned: turn deprovisioning on (Provisioning tab).',
  contracts_cancelled: 'Nothing is provisioned for a company whose contracts are all cancelled. Reactivate a contract in the PSA if it should be.',
  invalid_line: 'Correct the quantity or dates of the contract line in the PSA.',
  fractional_units: 'Use whole units on the contract line in the PSA.',
  mixed_billing: 'Keep one billing mode (prepaid or pay-as-you-go) per contract, or allow mixed billing on the Provisioning tab.',
  usage_unavailable: 'Check the tenant in the cloud; usage is written again on the next pass once the cloud reports it.',
  usage_write_failed: 'Check the contract line in the PSA; the write is retried on the next pass.',
  payg_bundle_unsupported: 'Sell the metered services as single lines on the pay-as-you-go contract.',
  not_metered: 'Nothing to do: on/off features have no usage to bill.',
  duplicate_payg_line: 'Keep one pay-as-you-go line per service in the contract.',
  usage_missing: 'Nothing to do unless usage is expected: the cloud reported none for this service.',
  awaiting_approval: 'Review the change and approve it (Provisioning problems, or the customer\u2019s page), or change the contract or mapping so it is not needed.',
};

export function problemAdvice(code: string): string {
  return ADVICE[code] ?? 'Read the message, fix what it names, and run the loop again (Summary tab).';
}
