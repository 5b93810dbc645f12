import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The base path (where the backend mounts the app) is fixed at build time: GENCASTER_LISTENER_BASE,
// default `/`. Absolute asset URLs keep deep links such as /listen/<slug> working with the backend's
// index.html fallback. In development, `/graphql` (HTTP + WebSocket) is proxied to a local backend.
export default defineConfig({
  base: process.env.GENCASTER_LISTENER_BASE ?? '/',
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: {
    proxy: {
      '/graphql': {
        target: process.env.GENCASTER_BACKEND_URL ?? 'http://127.0.0.1:8081',
        ws: true,
      },
    },
  },
});
