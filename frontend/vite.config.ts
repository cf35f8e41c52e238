import { defineConfig, type Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const swSource = fileURLToPath(new URL('./sw/sw.js', import.meta.url));

/**
 * Emits /sw.js with the list of files that make up the app shell, so the hand-written
 * service worker can precache exactly the hashed files of this build (and nothing from /api/).
 */
function serviceWorker(): Plugin {
  const publicFiles = ['/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png'];
  return {
    name: 'trivsel-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => !f.endsWith('.map') && f !== 'sw.js')
        .map((f) => '/' + f);
      const shell = ['/', ...publicFiles, ...files.filter((f) => f !== '/index.html')].sort();
      const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(swSource, 'utf8')
        .replace('self.__SHELL__', JSON.stringify(shell))
        .replace('self.__VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  plugins: [serviceWorker()],
  build: {
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
