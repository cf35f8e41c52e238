// A real OpenID provider (panva's certified oidc-provider) configured like STIL's Unilogin broker, for Trivsel's
// SSO tests. Usage: node server.mjs <config.json>. The config names the issuer, the port to listen on
// (127.0.0.1 only), the clients, the test accounts and the signing keys (the tests hold the private key so they
// can forge tokens a real attacker could not). Prints "listening <issuer>" once it serves.
//
// Like Unilogin: the authorization-code flow with a client secret, claims `uniid`, `aktoer_gruppe`
// (Medarbejder / Elev / Ekstern / Kontaktperson) and `unilogin_loa` (EnFaktor / ToFaktor) in the ID token, no
// name or institution. The login page asks for a user name and, optionally, the second factor; `acr` is then
// ToFaktor or EnFaktor and `unilogin_loa` follows it.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts; // { login: { uniid, aktoer_gruppe, email?, email_verified? } }

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  cookies: { keys: ['trivsel-test-provider-cookie-key'] },
  acrValues: ['EnFaktor', 'ToFaktor'],
  scopes: ['openid', 'email', 'unilogin'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    unilogin: ['uniid', 'aktoer_gruppe', 'unilogin_loa'],
  },
  // Unilogin's broker puts its claims in the ID token itself.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // First-party client: no consent screen (the grant covers what the client asked for).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email unilogin');
    await grant.save();
    return grant;
  },
  async findAccount(_ctx, id, token) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          ...account,
          // The level of assurance of the login this token comes from.
          unilogin_loa: token?.acr === 'ToFaktor' ? 'ToFaktor' : 'EnFaktor',
        };
      },
    };
  },
});

const loginPage = (uid, error) => `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Test-Unilogin</title></head>
<body><h1>Test-Unilogin</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Brugernavn <input name="login" autofocus></label>
<label><input type="checkbox" name="tofaktor" value="1"> Anden faktor (MitID)</label>
<button type="submit">Log ind</button></form></body></html>`;

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(loginPage(details.uid));
    }
    const form = await readForm(req);
    const login = form.get('login') || '';
    if (!accounts[login]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(loginPage(details.uid, 'Ukendt bruger'));
    }
    const twoFactor = form.get('tofaktor') === '1';
    const result = {
      login: { accountId: login, acr: twoFactor ? 'ToFaktor' : 'EnFaktor', amr: twoFactor ? ['pwd', 'mfa'] : ['pwd'] },
    };
    return await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    return res.end(String(err));
  }
});

server.listen(config.port, '127.0.0.1', () => {
  console.log(`listening ${config.issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
