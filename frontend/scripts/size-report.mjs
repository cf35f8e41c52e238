// Prints the gzipped size of what the first screen loads (the entry script, its statically imported
// chunks and the CSS linked from dist/index.html) and fails when it is above the 40 KB budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 40 * 1024;
const dist = new URL('../dist/', import.meta.url);
const html = readFileSync(new URL('index.html', dist), 'utf8');

const refs = new Set();
for (const m of html.matchAll(/<script[^>]+type="module"[^>]*src="([^"]+)"/g)) refs.add(m[1]);
for (const m of html.matchAll(/<link[^>]+rel="(?:stylesheet|modulepreload)"[^>]*href="([^"]+)"/g)) refs.add(m[1]);
for (const m of html.matchAll(/<link[^>]+href="([^"]+)"[^>]*rel="(?:stylesheet|modulepreload)"/g)) refs.add(m[1]);

// Follow static imports inside the JS chunks too (dynamic import() chunks are lazy and not counted).
const queue = [...refs].filter((r) => r.endsWith('.js'));
while (queue.length) {
  const ref = queue.shift();
  const code = readFileSync(new URL('.' + ref, dist), 'utf8');
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    const dep = ref.replace(/[^/]+$/, '') + m[1];
    if (!refs.has(dep)) {
      refs.add(dep);
      queue.push(dep);
    }
  }
}

let total = 0;
const rows = [];
for (const ref of [...refs].sort()) {
  const buf = readFileSync(new URL('.' + ref, dist));
  const gz = gzipSync(buf, { level: 9 }).length;
  total += gz;
  rows.push(`${ref.padEnd(44)} ${(buf.length / 1024).toFixed(1).padStart(7)} KB raw ${(gz / 1024).toFixed(1).padStart(6)} KB gzip`);
}
const htmlGz = gzipSync(Buffer.from(html), { level: 9 }).length;
console.log('First screen (entry JS + static imports + CSS):');
for (const r of rows) console.log('  ' + r);
console.log(`  (index.html ${(htmlGz / 1024).toFixed(1)} KB gzip, not counted)`);
console.log(`Total: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
if (total > BUDGET) {
  console.error(`First-screen bundle is over budget by ${((total - BUDGET) / 1024).toFixed(1)} KB`);
  process.exit(1);
}
