// Lighthouse (mobile, default throttling) against a running Trivsel in Debian's Chromium: the login screen cold,
// and the quick log cold for a logged-in teacher (session kept; HTTP cache, Cache Storage and the service worker
// cleared first). Prints one line per page; `--json` prints the figures as JSON. Usage:
//   node lighthouse.mjs http://127.0.0.1:PORT [--json]
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const base = process.argv[2];
if (!base) {
  console.error('usage: node lighthouse.mjs BASE_URL [--json]');
  process.exit(2);
}
const CHROME = process.env.TRIVSEL_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: FLAGS });
const results = [];
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const run = async (name, url, page, flags = {}) => {
    const r = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'], ...flags }, undefined, page);
    if (r.lhr.runtimeError) console.error(name, 'runtime error:', r.lhr.runtimeError.code, r.lhr.runtimeError.message);
    const audits = r.lhr.audits;
    const ms = (id) => Math.round(audits[id]?.numericValue ?? NaN);
    results.push({
      page: name,
      performance: Math.round(r.lhr.categories.performance.score * 100),
      fcp_ms: ms('first-contentful-paint'),
      lcp_ms: ms('largest-contentful-paint'),
      tbt_ms: ms('total-blocking-time'),
      cls: audits['cumulative-layout-shift']?.numericValue ?? null,
      transfer_kb: Math.round((audits['total-byte-weight']?.numericValue ?? 0) / 102.4) / 10,
      compressed: r.lhr.audits['uses-text-compression']?.score === 1,
    });
    if (process.env.LH_DEBUG) {
      for (const id of ['mainthread-work-breakdown', 'bootup-time', 'long-tasks'])
        console.error(id, JSON.stringify((audits[id]?.details?.items ?? []).slice(0, 8)));
    }
  };

  // Cold login screen: Lighthouse clears storage itself.
  await run('login (cold)', base + '/', undefined);

  // Log a teacher in, then forget everything cached but the session.
  const page = await browser.newPage();
  await page.goto(base + '/', { waitUntil: 'networkidle0' });
  await page.type('input[name=email]', 'laerer@vestrup.example');
  await page.type('input[name=password]', 'trivsel-demo');
  await page.click('button[type=submit]');
  await page.waitForSelector('header .user-button');
  const cdp = await page.createCDPSession();
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(base).origin, storageTypes: 'cache_storage,service_workers' });
  await cdp.send('Network.clearBrowserCache');
  await run('quick log (cold, logged in)', base + '/#/log', page, { disableStorageReset: true });
  await browser.disconnect();
} finally {
  await chrome.kill();
}

if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else {
  console.log('Lighthouse mobile (simulated throttling), Chromium ' + CHROME);
  for (const r of results)
    console.log(
      `  ${r.page.padEnd(30)} performance ${String(r.performance).padStart(3)}  FCP ${r.fcp_ms} ms  LCP ${r.lcp_ms} ms  TBT ${r.tbt_ms} ms  CLS ${r.cls}  ` +
        `${r.transfer_kb} KB transferred  text compression ${r.compressed ? 'on' : 'off'}`,
    );
}
