// Sign-in. Wrong credentials and the login throttle (429, with the wait) are said in words; while
// throttled the button counts down instead of letting the user earn a longer lock.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api.js';
import { TextField } from '../components/form-field.js';

export function SignInPage({ onSignedIn }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [waitUntil, setWaitUntil] = useState(0);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    document.title = 'Sign in · psa-bridge';
  }, []);
  useEffect(() => {
    if (waitUntil <= Date.now()) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [waitUntil]);
  const waitSeconds = Math.max(0, Math.ceil((waitUntil - now) / 1000));

  const submit = async (event) => {
    event.preventDefault();
    const found = {};
    if (!username.trim()) found.username = 'Enter your user name';
    if (!password) found.password = 'Enter your password';
    setErrors(found);
    setMessage('');
    if (Object.keys(found).length > 0) {
      document.getElementById(found.username ? 'field-username' : 'field-password')?.focus();
      return;
    }
    setBusy(true);
    try {
      const { user } = await api.post('/auth/login', { username: username.trim(), password }, { quiet401: true });
      onSignedIn(user);
    } catch (error) {
      setMessage(messageOf(error));
      if (error?.status === 429 && error.retryAfterSeconds) {
        setWaitUntil(Date.now() + error.retryAfterSeconds * 1000);
        setNow(Date.now());
      }
      setPassword('');
      setBusy(false);
      document.getElementById('field-password')?.focus();
    }
  };

  return html`
    <main id="main" class="sign-in-page">
      <form class="card sign-in-card" onSubmit=${submit} novalidate aria-labelledby="sign-in-title">
        <div class="sign-in-brand" aria-hidden="true">
          <svg width="36" height="36" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="currentColor"/><path d="M7 20h18M10 20v-6a6 6 0 0 1 12 0v6" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round"/></svg>
        </div>
        <h1 id="sign-in-title">Sign in to psa-bridge</h1>
        ${message && html`<div class="alert alert-error" role="alert">${message}</div>`}
        <${TextField} label="User name" name="username" value=${username} onInput=${setUsername} error=${errors.username} autocomplete="username" required />
        <${TextField} label="Password" name="password" type="password" value=${password} onInput=${setPassword} error=${errors.password} autocomplete="current-password" required />
        <button type="submit" class="primary wide" disabled=${busy || waitSeconds > 0}>
          ${busy ? 'Signing in…' : waitSeconds > 0 ? `Try again in ${waitSeconds} s` : 'Sign in'}
        </button>
      </form>
    </main>
  `;
}
