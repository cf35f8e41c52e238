// Regenerates the API types and limits from ../openapi/openapi.json into a temp dir and fails if they differ from
// the committed src/api/schema.d.ts and src/api/limits.ts, so a changed spec must come with regenerated
// (and type-checked) code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { limitsSource } from './gen-limits.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'trivsel-api-'));
const out = join(dir, 'schema.d.ts');
try {
  execFileSync(join(root, 'node_modules', '.bin', 'openapi-typescript'), ['../openapi/openapi.json', '-o', out], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const spec = JSON.parse(readFileSync(join(root, '../openapi/openapi.json'), 'utf8'));
  const stale = [];
  if (readFileSync(out, 'utf8') !== readFileSync(join(root, 'src/api/schema.d.ts'), 'utf8')) stale.push('src/api/schema.d.ts');
  if (limitsSource(spec) !== readFileSync(join(root, 'src/api/limits.ts'), 'utf8')) stale.push('src/api/limits.ts');
  if (stale.length) {
    console.error(
      `frontend/${stale.join(' and frontend/')} out of date with openapi/openapi.json.\n` +
        'Run `npm run gen:api` in frontend/, fix any type errors (`npm run typecheck`) and commit the result.',
    );
    process.exit(1);
  }
  console.log('API types and limits match openapi/openapi.json.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
