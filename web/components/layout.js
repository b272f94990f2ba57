// The frame of every signed-in page: skip link, header with the product name, navigation and the
// signed-in user with "Sign out", then the page. Pages set their own <h1>.
import { html } from 'htm/preact';

const NAV = [
  { href: '/integrations', label: 'Integrations' },
  { href: '/connections', label: 'Connections' },
  { href: '/distribution', label: 'Distribution' },
  { href: '/audit', label: 'Audit' },
  { href: '/notifications', label: 'Notifications' },
  { href: '/users', label: 'Users & tokens' },
];

export function Layout({ user, path, onSignOut, children }) {
  return html`
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="app-header">
      <a class="brand" href="/integrations" aria-label="psa-bridge home">
        <svg width="24" height="24" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="7" fill="currentColor"/><path d="M7 20h18M10 20v-6a6 6 0 0 1 12 0v6" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round"/></svg>
        <span>psa-bridge</span>
      </a>
      <nav aria-label="Main">
        <ul class="nav-list">
          ${NAV.map(
            (item) => html`<li><a href=${item.href} class="nav-link" aria-current=${path.startsWith(item.href) ? 'page' : undefined}>${item.label}</a></li>`,
          )}
        </ul>
      </nav>
      <div class="user-menu">
        <span class="user-name" title="Signed in">${user.username}${user.role === 'read_only' ? html` <span class="badge badge-neutral">read-only</span>` : null}</span>
        <button type="button" class="quiet" onClick=${onSignOut}>Sign out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" class="app-main">${children}</main>
  `;
}
