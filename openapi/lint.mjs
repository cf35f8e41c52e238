// Lints openapi.json with Spectral (spectral:oas) and Redocly (recommended) and fails on any warning: the goal is 0.
import { spawnSync } from 'node:child_process';

function run(cmd, args) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

const spectral = run('npx', ['--no-install', 'spectral', 'lint', '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet', 'openapi.json']);
const spectralProblems = JSON.parse(spectral.stdout || '[]');
const redocly = run('npx', ['--no-install', 'redocly', 'lint', '--config', 'redocly.yaml', '--format', 'json', 'openapi.json']);
const redoclyReport = JSON.parse(redocly.stdout);

for (const p of spectralProblems) console.log(`spectral ${p.code}: ${p.message} at ${p.path.join('.')}`);
for (const p of redoclyReport.problems) console.log(`redocly ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? ''}`);
const redoclyCount = redoclyReport.totals.errors + redoclyReport.totals.warnings;
console.log(`Spectral (spectral:oas): ${spectralProblems.length} problems; Redocly (recommended): ${redoclyCount} problems.`);
process.exit(spectralProblems.length + redoclyCount === 0 ? 0 : 1);
