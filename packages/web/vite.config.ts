import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './precompress-plugin';

// In development the Tandem server runs on :8080; proxying keeps the session cookie same-origin.
const SERVER = 'http://localhost:8080';

export default defineConfig({
  plugins: [react(), precompress()],
  // The manifest maps each source module to its chunk and imports: the first-load test reads it.
  build: { outDir: 'dist', manifest: true },
  server: {
    proxy: {
      '/api': SERVER,
      '/v1': SERVER,
      '/healthz': SERVER,
      '/readyz': SERVER,
    },
  },
});
