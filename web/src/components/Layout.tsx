import { type ReactNode, useEffect, useRef } from 'react';
import { signOut } from '../api/session';
import { Link } from '../router';

const NAV = [
  { href: '/', label: 'Gallery' },
  { href: '/create', label: 'Create' },
  { href: '/jobs', label: 'Jobs' },
  { href: '/spend', label: 'Spend' },
];

/** The page frame: a skip link, the navigation, and focus moved to the new page's heading on every navigation. */
export function Layout({ pathname, children }: { pathname: string; children: ReactNode }) {
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>('h1');
    heading?.focus();
  }, [pathname]);
  const current = (href: string) => (href === '/' ? pathname === '/' : pathname.startsWith(href));
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Creative Engine</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={current(item.href) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="quiet" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" ref={main}>
        {children}
      </main>
    </>
  );
}
