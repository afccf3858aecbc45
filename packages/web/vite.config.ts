import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the Tandem server runs on :8080; proxying keeps the session cookie same-origin.
const SERVER = 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist' },
  server: {
    proxy: {
      '/api': SERVER,
      '/v1': SERVER,
      '/healthz': SERVER,
      '/readyz': SERVER,
    },
  },
});
