import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { CONTENT_SECURITY_POLICY } from './csp.ts';

// The simulation runs in a module worker (src/worker/engine.worker.ts), created with
// `new Worker(new URL(...), { type: 'module' })`, the form Vite detects and bundles.
export default defineConfig({
  // Relative asset paths: the built site works from any directory (GitHub Pages, a USB stick, file server).
  base: './',
  plugins: [
    react(),
    // The production page carries a Content-Security-Policy (csp.ts); the dev server injects inline scripts.
    {
      name: 'vt-lab-csp',
      apply: 'build',
      transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
    },
    // Offline (issue 8 item 6): classrooms have bad Wi-Fi. A service worker precaches the whole app — the
    // labs' chunks, the simulator worker and the PlanetLab traces — on the first visit, so the app reloads with
    // no network. Nothing is fetched from another origin, so nothing else needs caching. A new version
    // installs itself on the next load (autoUpdate), never in the middle of a lecture.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script',
      includeAssets: ['favicon.svg'],
      manifest: {
        name: 'VT Lab — Intel VT-x, explained',
        short_name: 'VT Lab',
        description: 'An interactive, SDM-faithful explainer of Intel VT-x hardware-assisted virtualization, running on a real VMX core in the browser.',
        theme_color: '#0b3d91',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: './',
        scope: './',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // (the PlanetLab trace files have no extension, hence the second pattern)
        globPatterns: ['**/*.{js,css,html,svg,png,json,webmanifest}', 'data/**/*'],
        // The simulator worker is about 0.8 MB; allow it (and any lab chunk) into the precache.
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        // Source maps are for developers, not for the classroom.
        globIgnores: ['**/*.map'],
        navigateFallback: 'index.html',
        // Control the page that installed it, so the very first visit is enough to work offline.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  worker: { format: 'es' },
  // No source maps in the published build: they would ship the sources' local paths (issue 9).
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 2000 },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
