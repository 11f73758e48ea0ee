import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The simulation runs in a module worker (src/worker/engine.worker.ts), created with
// `new Worker(new URL(...), { type: 'module' })`, the form Vite detects and bundles.
export default defineConfig({
  // Relative asset paths: the built site works from any directory (GitHub Pages, a USB stick, file server).
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 2000 },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
