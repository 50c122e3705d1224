import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { outDir: 'dist/web', target: 'es2022' },
});
