// The tabs of an integration, in the seeds' order. Which apply to a target, and what they are
// called, is the target's (GET /api/v1/targets: `tabs`, `words`), declared by its connector's manifest:
//
//   { id, label(target), load }   load() → import('./product-mapping-tab.js'): one module for every target
//
// A tab module exports `default` (or `Tab`): a component given
//   { integration, target, onIntegrationChange(updated), reloadIntegration() }
// where `integration` is GET /api/v1/integrations/:id (features, enabled, stored credential field
// names, health) and `target` is the target's entry of GET /api/v1/targets.
export const INTEGRATION_TABS = [
  { id: 'settings', label: () => 'Integration settings', load: () => import('./settings-tab.js') },
  { id: 'product-mapping', label: () => 'Product mapping', load: () => import('./product-mapping-tab.js') },
  { id: 'provisioning', label: () => 'Provisioning', load: () => import('./provisioning-tab.js') },
  { id: 'mapping', label: (target) => target.words.companyMapping, load: () => import('./mapping-tab.js') },
  { id: 'tickets', label: () => 'Ticket creation', load: () => import('./tickets-tab.js') },
  { id: 'billing', label: (target) => `Accounts in ${target.shortLabel ?? target.label}`, load: () => import('./billing-tab.js') },
  { id: 'summary', label: () => 'Summary', load: () => import('./summary-tab.js') },
];

/** The tabs shown for a target (its manifest says which apply), in the seeds' order. */
export function tabsFor(target) {
  return INTEGRATION_TABS.filter((tab) => target.tabs.includes(tab.id));
}
