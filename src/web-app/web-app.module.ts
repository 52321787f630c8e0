import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import type { Response } from 'express';
import path from 'node:path';

/**
 * Where `npm run build` puts the gallery (vite builds web/ there): dist/web of the package. The same path from
 * dist/web-app (the built service, also inside node_modules of a host) and from src/web-app (specs run on src).
 */
export const WEB_APP_DIST = path.resolve(__dirname, '..', '..', 'dist', 'web');

/**
 * Paths that keep their own answers (the API, Swagger, health, metrics, the queue dashboard): the page's
 * fallback passes them on, so an unknown /api route is still the engine's 404 in the error shape.
 */
export const WEB_APP_EXCLUDED = /^\/(api|docs|docs-json|health|metrics|queues)(\/|$)/;

/** Vite names every built file under assets/ by its content hash: it never changes, so it may be cached for good. */
function cacheHeaders(response: Response, file: string): void {
  const immutable = path.relative(WEB_APP_DIST, file).startsWith(`assets${path.sep}`);
  response.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/**
 * The gallery web app at `/` (docs/ARCHITECTURE.md §13): its built files, and index.html for every other GET
 * so that the page's own routes (/asset/:id, /create …) survive a reload. Mounted by CreativeEngineModule only
 * with `webApp: true` (the standalone app passes WEB_APP_ENABLED).
 */
@Module({
  imports: [
    ServeStaticModule.forRoot({
      rootPath: WEB_APP_DIST,
      exclude: WEB_APP_EXCLUDED,
      serveStaticOptions: { setHeaders: cacheHeaders, index: false },
    }),
  ],
})
export class WebAppModule {}
