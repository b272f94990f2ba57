// One integration: header (name, target, connection, delete) and the seeds' tab bar. Each tab is
// loaded on demand from the registry in integration/tabs.js.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api.js';
import { confirm } from '../components/dialog.js';
import { ErrorState, Loading } from '../components/page-state.js';
import { HealthBadge } from '../components/health-badge.js';
import { Tabs } from '../components/tabs.js';
import { toast } from '../components/toasts.js';
import { navigate } from '../router.js';
import { useResource } from '../use-resource.js';
import { tabsFor } from './integration/tabs.js';

export function IntegrationPage({ id, tab = 'settings' }) {
  const resource = useResource(
    () => Promise.all([api.get(`/integrations/${encodeURIComponent(id)}`), api.get('/targets')]).then(([integration, targets]) => ({
      integration,
      target: targets.items.find((t) => t.target === integration.target),
    })),
    [id],
  );
  const integration = resource.data?.integration;
  useEffect(() => {
    document.title = `${integration?.name ?? 'Integration'} · psa-bridge`;
  }, [integration?.name]);

  if (resource.error && !resource.data) return html`<h1>Integration</h1><${ErrorState} message=${resource.error} onRetry=${resource.reload} />`;
  if (!resource.data) return html`<${Loading} label="Loading the integration…" />`;
  const { target } = resource.data;

  const available = tabsFor(target);
  const selected = available.some((t) => t.id === tab) ? tab : available[0].id;
  const tabs = available.map((t) => ({ id: t.id, label: t.label(target), href: `/integrations/${integration.id}/${t.id}` }));
  const current = available.find((t) => t.id === selected);

  const remove = async () => {
    const yes = await confirm({
      title: 'Delete integration',
      message: `Delete "${integration.name}" with its settings, mappings and run history? Nothing is changed in ${target.label} or the vendor cloud.`,
      confirmLabel: 'Delete integration',
      danger: true,
    });
    if (!yes) return;
    try {
      await api.delete(`/integrations/${integration.id}`);
      toast.success(`Integration "${integration.name}" deleted.`);
      navigate('/integrations');
    } catch (error) {
      toast.error(error);
    }
  };

  return html`
    <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/integrations">Integrations</a> <span aria-hidden="true">/</span> <span aria-current="page">${integration.name}</span></nav>
    <div class="page-header">
      <div>
        <h1>${integration.name}</h1>
        <p class="page-lead">
          ${target.label} · connection ${integration.connection.name ?? '(missing)'} ·
          <${HealthBadge} health=${integration.health} reason=${false} />
        </p>
      </div>
      <button type="button" class="danger" onClick=${remove}>Delete integration</button>
    </div>
    <${Tabs} tabs=${tabs} selected=${selected} label="Integration sections">
      <${TabContent}
        key=${selected}
        tab=${current}
        integration=${integration}
        target=${target}
        onIntegrationChange=${(updated) => resource.setData({ ...resource.data, integration: updated })}
        reloadIntegration=${resource.reload}
      />
    <//>
  `;
}

function TabContent({ tab, integration, target, onIntegrationChange, reloadIntegration }) {
  const { load } = tab;
  const [state, setState] = useState({ component: null, error: null });
  useEffect(() => {
    let live = true;
    load().then(
      (module) => live && setState({ component: module.default ?? module.Tab, error: null }),
      (error) => live && setState({ component: null, error: messageOf(error) }),
    );
    return () => (live = false);
  }, [tab.id, integration.target]);

  if (state.error) return html`<${ErrorState} message=${`This tab could not be loaded: ${state.error}`} />`;
  if (!state.component) return html`<${Loading} />`;
  const Component = state.component;
  return html`<${Component} integration=${integration} target=${target} onIntegrationChange=${onIntegrationChange} reloadIntegration=${reloadIntegration} />`;
}
