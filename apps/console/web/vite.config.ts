import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * The console's web app: built into dist/apps/console/web, which the console's Nest host serves.
 * React's automatic JSX runtime through Vite's own transform (no Babel plugin: the page is built,
 * not hot-reloaded, in this repository). `npx vite --config apps/console/web/vite.config.ts` serves
 * it for development, with /api and /ws proxied to a running console host on :3000.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: {
    alias: {
      '@lib/contracts': here('../../../libs/contracts/src/index.ts'),
      // Pure math shared with the backends (the CSMS's fair share): bundled, it has no dependencies.
      '@lib/power': here('../../../libs/power/src/index.ts'),
    },
  },
  build: {
    outDir: here('../../../dist/apps/console/web'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/ws': { target: 'ws://127.0.0.1:3000', ws: true } },
  },
  logLevel: 'warn',
});
