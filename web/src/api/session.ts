/**
 * The bearer token of the signed-in user. Kept in sessionStorage (this tab only, gone when it closes), never in
 * a URL: a `/#token=…` sign-in link (`npm run token -- <userId>`) is read once and erased from the address bar.
 */
const KEY = 'creative-engine.token';
const listeners = new Set<() => void>();

export function currentToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
  listeners.forEach((listener) => listener());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Takes the token out of a `#token=…` link, before anything renders or is logged, and drops it from history. */
export function takeTokenFromLink(location: Location, history: History): void {
  const hash = new URLSearchParams(location.hash.slice(1));
  const token = hash.get('token');
  if (!token) return;
  hash.delete('token');
  const rest = hash.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  signIn(token);
}
