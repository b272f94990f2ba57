// A tab bar (WAI-ARIA tabs): Left/Right/Home/End move between tabs, only the selected tab is in
// the Tab order, and each tab is a real link so it can be opened in a new browser tab.
import { html } from 'htm/preact';
import { requestNavigation } from '../router.js';

/**
 * @param {{ tabs: Array<{ id: string, label: string, href: string }>, selected: string, label: string, children: any }} props
 *   `children` is the selected tab's panel.
 */
export function Tabs({ tabs, selected, label, children }) {
  const onKeyDown = (event) => {
    const index = tabs.findIndex((tab) => tab.id === selected);
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
    requestNavigation(next.href, { replace: true }).then(() => setTimeout(() => document.getElementById(`tab-${next.id}`)?.focus(), 0));
  };
  return html`
    <div class="tabs">
      <div class="tab-list" role="tablist" aria-label=${label} onKeyDown=${onKeyDown}>
        ${tabs.map(
          (tab) => html`
            <a
              href=${tab.href}
              id=${`tab-${tab.id}`}
              role="tab"
              class="tab"
              aria-selected=${tab.id === selected ? 'true' : 'false'}
              aria-controls=${`panel-${tab.id}`}
              tabindex=${tab.id === selected ? 0 : -1}
            >${tab.label}</a>
          `,
        )}
      </div>
      <div class="tab-panel" role="tabpanel" id=${`panel-${selected}`} aria-labelledby=${`tab-${selected}`} tabindex="0">${children}</div>
    </div>
  `;
}
