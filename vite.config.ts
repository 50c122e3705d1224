import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { outDir: 'dist/web', target: 'es2022' },
  // The virtual board's Web Worker is a module (the WebAssembly glue awaits at its top level).
  worker: { format: 'es' },
});
