// Build of the Zendesk app: one HTML entry per manifest location, written to
// zendesk-app/dist/assets/ with relative URLs. The worker serves these files as static assets:
// each page at {WORKER_URL}/app/<location> (after verifying Zendesk's signed load, with the
// session in a meta tag), everything it loads at {WORKER_URL}/app/<file>. The ZAF SDK stays a
// CDN script tag in each HTML, as in Zendesk's React scaffold. The package Zendesk gets
// (`node scripts/package-app.ts`) holds only manifest.json, translations/ and the logos.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src/locations'),
  base: './',
  plugins: [react()],
  // JSON as plain objects (not JSON.parse strings) so named imports of translation sections
  // are tree-shaken: the sidebar bundle keeps only its own strings.
  json: { stringify: false },
  // Logos and the nav bar icon are copied as-is next to the built files.
  publicDir: here('./assets'),
  build: {
    outDir: here('./dist/assets'),
    emptyOutDir: true,
    // Flat: every file directly in assets/, as Zendesk's scaffold emits them.
    assetsDir: '',
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        nav_bar: here('./src/locations/nav_bar.html'),
        ticket_sidebar: here('./src/locations/ticket_sidebar.html'),
      },
      output: {
        // Code both locations use (React, Garden, zod) in one cacheable file.
        chunkFileNames: 'shared-[hash].js',
      },
    },
  },
});
