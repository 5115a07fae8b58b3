// Vite builds the page from web/ into web/dist; the page imports the engine, data, model and training code straight
// from ../src (TypeScript, `.js` import suffixes resolve to the .ts files).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The WebAssembly kernels are embedded as base64 in the engine bundle; the dashboard chunk carries vega (1 MB).
    chunkSizeWarningLimit: 1200,
  },
  worker: { format: 'es' },
});
