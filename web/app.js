// The portal: who is signed in, which page the address shows, and the hosts for dialogs and
// notices. Pages live in pages/, one per screen; shared pieces in components/.
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, onUnauthorized } from './api.js';
import { ConfirmHost } from './components/dialog.js';
import { Layout } from './components/layout.js';
import { Loading } from './components/page-state.js';
import { ToastHost, toast } from './components/toasts.js';
import { ConnectionsPage } from './pages/connections.js';
import { DistributionPage } from './pages/distribution.js';
import { CustomerPage } from './pages/customer.js';
import { IntegrationPage } from './pages/integration.js';
import { IntegrationsPage } from './pages/integrations.js';
import { NewIntegrationPage } from './pages/integration-new.js';
import { NotFoundPage } from './pages/not-found.js';
import { SignInPage } from './pages/sign-in.js';
import { UsersPage } from './pages/users.js';
import { AuditPage } from './pages/audit.js';
import { NotificationsPage } from './pages/notifications.js';
import { match, navigate, useLocation } from './router.js';

/** Client routes, first match wins. The hub serves index.html for each of these paths. */
const ROUTES = [
  { pattern: '/integrations', page: IntegrationsPage },
  { pattern: '/integrations/new', page: NewIntegrationPage },
  { pattern: '/integrations/:id/customers/:companyId', page: CustomerPage },
  { pattern: '/integrations/:id/:tab?', page: IntegrationPage },
  { pattern: '/connections', page: ConnectionsPage },
  { pattern: '/users', page: UsersPage },
  { pattern: '/audit', page: AuditPage },
  { pattern: '/notifications', page: NotificationsPage },
  { pattern: '/distribution', page: DistributionPage },
];

/** Only a path of this site may be a post-sign-in destination. */
const safeNext = (next) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/integrations');

function Redirect({ to }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function App() {
  const location = useLocation();
  const [user, setUser] = useState(undefined);
  const firstRender = useRef(true);

  useEffect(() => {
    api.get('/auth/me', { quiet401: true }).then(
      (me) => setUser(me.user),
      () => setUser(null),
    );
    return onUnauthorized(() => {
      setUser(null);
      const here = window.location.pathname + window.location.search;
      if (!here.startsWith('/sign-in')) {
        toast.info('Your session has ended; sign in again.');
        navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
      }
    });
  }, []);

  // After a navigation, keyboard and screen-reader users start at the new page's content.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.path]);

  const signedIn = (signedInUser, next) => {
    setUser(signedInUser);
    navigate(safeNext(next), { replace: true });
  };

  const signOut = async () => {
    try {
      await api.post('/auth/logout');
    } catch {
      // The session may be gone already; signing out locally is what the user asked for.
    }
    setUser(null);
    navigate('/sign-in', { replace: true });
    toast.success('Signed out.');
  };

  let content;
  if (user === undefined) {
    content = html`<main class="app-main"><${Loading} label="Loading psa-bridge…" /></main>`;
  } else if (user === null) {
    if (location.path === '/sign-in') {
      content = html`<${SignInPage} onSignedIn=${(u) => signedIn(u, location.query.get('next'))} />`;
    } else {
      const here = location.path + (location.query.toString() ? `?${location.query}` : '');
      content = html`<${Redirect} to=${here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`} />`;
    }
  } else if (location.path === '/sign-in') {
    content = html`<${Redirect} to=${safeNext(location.query.get('next'))} />`;
  } else if (location.path === '/') {
    content = html`<${Redirect} to="/integrations" />`;
  } else {
    let page = html`<${NotFoundPage} />`;
    for (const route of ROUTES) {
      const params = match(route.pattern, location.path);
      if (params) {
        page = html`<${route.page} key=${route.pattern} ...${params} query=${location.query} user=${user} />`;
        break;
      }
    }
    content = html`<${Layout} user=${user} path=${location.path} onSignOut=${signOut}>${page}<//>`;
  }

  return html`${content}<${ConfirmHost} /><${ToastHost} />`;
}

const root = document.getElementById('app');
root.textContent = ''; // the boot message is not part of the app
render(html`<${App} />`, root);
