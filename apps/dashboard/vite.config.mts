import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev -w @modelgate/dashboard` serves the dashboard with hot reload and sends the API's
// paths to a Modelgate started with `npm start` (MODELGATE_URL, default http://localhost:8080).
const api = process.env.MODELGATE_URL ?? 'http://localhost:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The page's Content-Security-Policy allows scripts from this origin only: no inline scripts.
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/v1', '/v2', '/metrics', '/health', '/docs'].map((path) => [path, { target: api, changeOrigin: false }])),
  },
});
