// Regenerates the API types from ../openapi/openapi.json into a temp file and fails if they differ from
// the committed src/api/schema.d.ts, so a changed spec must come with regenerated (and type-checked) code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'trivsel-api-'));
const out = join(dir, 'schema.d.ts');
try {
  execFileSync(join(root, 'node_modules', '.bin', 'openapi-typescript'), ['../openapi/openapi.json', '-o', out], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const fresh = readFileSync(out, 'utf8');
  const committed = readFileSync(join(root, 'src/api/schema.d.ts'), 'utf8');
  if (fresh !== committed) {
    console.error(
      'frontend/src/api/schema.d.ts is out of date with openapi/openapi.json.\n' +
        'Run `npm run gen:api` in frontend/, fix any type errors (`npm run typecheck`) and commit the result.',
    );
    process.exit(1);
  }
  console.log('API types match openapi/openapi.json.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
