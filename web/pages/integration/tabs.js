// The tabs of an integration, in the seeds' order. This list is the plug-in point for later work:
//
//   { id, label, load }            load() → import('./product-mapping-tab.js'): one tab for every target
//   { id, label, byTarget: { autotask: () => import('./autotask/ticket-creation-tab.js') } }
//   { …, hiddenFor: ['cloudblue'] } a tab that does not apply to a target is not shown for it
//
// A tab module exports `default` (or `Tab`): a component given
//   { integration, target, onIntegrationChange(updated), reloadIntegration() }
// where `integration` is GET /api/v1/integrations/:id (features, enabled, stored credential field
// names, health) and `target` is the target's entry of GET /api/v1/integrations/targets.
// A tab with no module for the integration's target shows "arrives with the <target> connector".
export const INTEGRATION_TABS = [
  { id: 'settings', label: () => 'Integration settings', load: () => import('./settings-tab.js') },
  // CloudBlue PSA sells nothing through the hub (seed 001): no product mapping.
  { id: 'product-mapping', label: () => 'Product mapping', load: () => import('./product-mapping-tab.js'), hiddenFor: ['cloudblue'] },
  { id: 'provisioning', label: () => 'Provisioning', load: () => import('./provisioning-tab.js') },
  { id: 'mapping', label: (target) => (target === 'connectwise' ? 'Company mapping' : 'Customer mapping'), load: () => import('./mapping-tab.js') },
  // Billing-only targets raise no tickets.
  { id: 'tickets', label: () => 'Ticket creation', load: () => import('./tickets-tab.js'), hiddenFor: ['gradient', 'interworks'] },
  { id: 'summary', label: () => 'Summary', load: () => import('./summary-tab.js') },
];

/** The tabs shown for a target. */
export function tabsFor(target) {
  return INTEGRATION_TABS.filter((tab) => !(tab.hiddenFor ?? []).includes(target));
}

/** The module loader of a tab for a target, or undefined when that tab has not arrived yet. */
export function tabLoader(tab, target) {
  return tab.byTarget?.[target] ?? tab.load;
}
