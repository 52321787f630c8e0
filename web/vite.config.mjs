// Builds the gallery (web/) into dist/web, which the service serves at `/` (src/web-app/web-app.module.ts).
// `npm run build` runs it after generating the API types from openapi.json (docs/ARCHITECTURE.md §13).
import path from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  build: { outDir: path.join(root, '..', 'dist', 'web'), emptyOutDir: true, sourcemap: false, target: 'es2022' },
  oxc: { jsx: { runtime: 'automatic' } },
  // `npm run web:dev`: the page on Vite's dev server, the API of a service running on PORT (3000).
  server: {
    proxy: Object.fromEntries(
      ['/api', '/health'].map((prefix) => [prefix, `http://127.0.0.1:${process.env.PORT ?? 3000}`]),
    ),
  },
});
