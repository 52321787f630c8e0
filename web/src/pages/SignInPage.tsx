import { type FormEvent, useState } from 'react';
import { signIn } from '../api/session';

/** Shown whenever there is no session: on first visit, after signing out, and after any 401. */
export function SignInPage() {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) signIn(token);
  };
  return (
    <main id="main" className="sign-in">
      <h1>Sign in to the gallery</h1>
      <p>
        Paste a bearer token, or open a sign-in link. On the server, <code>npm run token -- &lt;userId&gt;</code> prints
        both.
      </p>
      <form onSubmit={submit}>
        <label htmlFor="token">Token</label>
        <textarea
          id="token"
          name="token"
          rows={4}
          required
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
