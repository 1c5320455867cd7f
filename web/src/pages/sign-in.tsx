import { useEffect, useRef, useState } from 'preact/hooks';
import { CSRF_HEADER, api, unwrap } from '../api.js';
import { ErrorNotice } from '../components/ui.js';
import { asApiError } from '../hooks.js';
import type { ApiError } from '../lib/api-error.js';
import type { ConsoleSession } from '../session.js';

/**
 * Paste an API key once: the service answers with a session cookie (HttpOnly, so this page
 * never holds it) and the key is dropped from memory. Nothing is written to the page's storage.
 * As a dialog (`modal`) when a session ended mid-work, so the page behind keeps what was typed.
 */
export function SignIn({ onSignedIn, modal = false }: { onSignedIn(session: ConsoleSession): void; modal?: boolean }) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { data } = await unwrap(api.POST('/v1/console/session', { params: { header: { [CSRF_HEADER]: '1' } }, body: { apiKey } }));
      setApiKey('');
      onSignedIn(data);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  const form = (
    <form class="sign-in" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{modal ? 'Your session ended' : 'Sign in to the console'}</h1>
      <p>
        {modal
          ? 'Sign in again to carry on: what you typed on the page is kept.'
          : 'Paste an API key. The console exchanges it for a session and never stores the key in the browser.'}
      </p>
      <div class="field">
        <label for="api-key">API key</label>
        <input
          id="api-key"
          ref={input}
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={apiKey}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'sign-in-error' : undefined}
          onInput={(e) => setApiKey(e.currentTarget.value)}
        />
      </div>
      <div id="sign-in-error">
        <ErrorNotice error={error} />
      </div>
      <button type="submit" class="primary" disabled={busy || !apiKey}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
  if (!modal) return <main class="centered">{form}</main>;
  return (
    <div class="backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="sign-in-title" class="dialog">
        {form}
      </div>
    </div>
  );
}
