// Vite builds the page from web/ into web/dist; the page imports the engine, data, model and training code straight
// from ../src (TypeScript, `.js` import suffixes resolve to the .ts files).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  resolve: {
    alias: [
      // In the browser the data layer is its browser-safe entry: src/data/index.ts also exports the Node-only
      // MNIST loaders (node:fs), which the page never calls but the trainer's imports would pull in.
      { find: /^\.\.\/data\/index\.js$/, replacement: fileURLToPath(new URL('../src/data/browser.ts', import.meta.url)) },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The WebAssembly kernels are embedded as base64 in the engine bundle.
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: 'es' },
});
