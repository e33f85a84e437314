// The dashboard is a static page: `vite build` writes it to dist/ with relative paths, so it
// can be served from any directory (scripts/dashboard serves it with `vite preview`).
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    // BigInt literals and top-level await: the browsers polkadot.js supports anyway.
    target: 'es2022',
    // polkadot.js is one large dependency; the page has no other chunk worth splitting.
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // The page shares clients/amounts.mjs (CAPA formatting) with the command-line clients.
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
});
