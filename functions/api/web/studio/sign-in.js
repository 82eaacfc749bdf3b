import { html, useEffect, useState } from '/assets/vendor/htm-preact.js';
import { localDevKey } from './api.js';

/** Paste a key (kept in this browser only); on the local stack, the dev key is one click away. */
export function SignIn({ onSignIn, error }) {
  const [key, setKey] = useState('');
  const [devKey, setDevKey] = useState();
  useEffect(() => {
    localDevKey().then(setDevKey);
  }, []);
  const submit = (event) => {
    event.preventDefault();
    if (key.trim()) onSignIn(key.trim());
  };
  return html`
    <section class="panel sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <p>
        Reelay needs an API key. Keys come from whoever runs this Reelay: an operator issues one with
        <code>npm run admin -- keys create --tenant NAME</code>, and <code>npm start</code> prints a dev key
        for the local stack. The key stays in this browser (localStorage) until you sign out.
      </p>
      <form onSubmit=${submit}>
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autocomplete="off" spellcheck="false" placeholder="rly_…"
          value=${key} onInput=${(e) => setKey(e.currentTarget.value)}
          aria-describedby=${error ? 'sign-in-error' : undefined} aria-invalid=${error ? 'true' : undefined} />
        ${error && html`<p id="sign-in-error" class="error" role="alert">${error}</p>`}
        <div class="actions">
          <button type="submit" class="primary" disabled=${!key.trim()}>Sign in</button>
          ${devKey && html`<button type="button" onClick=${() => onSignIn(devKey)}>Use the local dev key</button>`}
        </div>
      </form>
    </section>`;
}
