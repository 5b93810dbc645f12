import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// Served by the backend at /editor/ on the same origin as /graphql (cookies, no CORS). In dev,
// the Vite server proxies /graphql (HTTP + WebSocket) to a running backend.
export default defineConfig({
  base: '/editor/',
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2500 },
  server: {
    proxy: {
      '/graphql': {
        target: process.env.GENCASTER_BACKEND_URL ?? 'http://127.0.0.1:8081',
        ws: true,
        changeOrigin: false,
      },
      '/media': { target: process.env.GENCASTER_BACKEND_URL ?? 'http://127.0.0.1:8081' },
    },
  },
});
