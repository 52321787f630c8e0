import { lazy, Suspense, useSyncExternalStore } from 'react';
import { currentToken, onSessionChange } from './api/session';
import { Layout } from './components/Layout';
import { AssetPage } from './pages/AssetPage';
import { CreatePage } from './pages/CreatePage';
import { GalleryPage } from './pages/GalleryPage';
import { JobPage } from './pages/JobPage';
import { JobsPage } from './pages/JobsPage';
import { SignInPage } from './pages/SignInPage';
import { matchPath, useLocation } from './router';

// The chart library is loaded with the spend page only, so the gallery's first load stays small.
const SpendPage = lazy(() => import('./pages/SpendPage'));

function Page({ pathname }: { pathname: string }) {
  if (pathname === '/') return <GalleryPage />;
  if (pathname === '/create') return <CreatePage />;
  if (pathname === '/jobs') return <JobsPage />;
  if (pathname === '/spend')
    return (
      <Suspense fallback={<p role="status">Loading…</p>}>
        <SpendPage />
      </Suspense>
    );
  const asset = matchPath('/asset/:id', pathname);
  if (asset) return <AssetPage key={asset.id} id={asset.id} />;
  const job = matchPath('/job/:id', pathname);
  if (job) return <JobPage key={job.id} id={job.id} />;
  return (
    <>
      <h1 tabIndex={-1}>Not found</h1>
      <p>There is no page at {pathname}.</p>
    </>
  );
}

export function App() {
  const token = useSyncExternalStore(onSessionChange, currentToken);
  const { pathname } = useLocation();
  if (!token) return <SignInPage />;
  return (
    <Layout pathname={pathname}>
      <Page pathname={pathname} />
    </Layout>
  );
}
