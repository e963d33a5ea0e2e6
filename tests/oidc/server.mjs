#!/usr/bin/env node
// Standalone OAuth 2.0 / OpenID Connect test server for the Rust integration
// tests, built on `oidc-provider` 8.x (https://github.com/panva/node-oidc-provider).
//
// Contract with the spawning process (see README.md):
//   * listens on 127.0.0.1, port $PORT (default 0 = pick a free port);
//   * issuer is `http://127.0.0.1:<port>` (no trailing slash, no path);
//   * once listening it prints exactly one line to stdout: `READY <port>`;
//     everything else (oidc-provider notices, request errors) goes to stderr;
//   * it exits when stdin reaches EOF (the spawner dropped/closed our stdin or
//     died), on SIGTERM/SIGINT, so a crashed test never leaves an orphan.
//     Spawn with a *piped* stdin and keep the handle alive: a /dev/null stdin
//     means immediate EOF and the server exits right after READY
//     (set OIDC_EXIT_ON_STDIN_EOF=0 to disable that, e.g. under nohup).
//
// Besides the standard oidc-provider endpoints, this file adds:
//   * GET/POST /interaction/:uid  auto-approves every login/consent interaction;
//   * GET /api/me                 protected "resource server" endpoint (Bearer);
//   * POST /test/revoke           unauthenticated test hook destroying a token.

import crypto from 'node:crypto';
import http from 'node:http';

import Provider, { errors } from 'oidc-provider';

// --------------------------------------------------------------------------
// stdout hygiene: the spawner parses the first stdout line. oidc-provider
// prints its "NOTICE" messages through console.info (stdout) - redirect every
// console stdout method to stderr so the READY line is the only thing there.
// --------------------------------------------------------------------------
for (const method of ['log', 'info', 'debug']) {
  console[method] = (...args) => console.error(...args); // eslint-disable-line no-console
}

// --------------------------------------------------------------------------
// Test constants (documented in README.md; the Rust tests hard-code them).
// --------------------------------------------------------------------------
const HOST = '127.0.0.1';
const REDIRECT_URI = 'http://127.0.0.1/callback';
const ACCOUNT_ID = 'user-1';
// Resource indicator (RFC 8707) of the one API this server protects. Every
// access token is issued for it (see defaultResource below).
const API_RESOURCE = 'urn:oidc-test:api';
const API_SCOPES = 'api:read api:write';

const ACCESS_TOKEN_TTL = parsePositiveInt('ACCESS_TOKEN_TTL', 3600);

const CLIENTS = [
  {
    // Confidential client authenticating with HTTP Basic. The secret contains
    // every character that must be form-urlencoded before base64 encoding
    // (RFC 6749 section 2.3.1) - oidc-provider decodes Basic credentials that way.
    client_id: 'basic-client',
    client_secret: 's3cr:et +/%&= x',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
  },
  {
    // Confidential client sending client_id/client_secret in the form body.
    client_id: 'post-client',
    client_secret: 'p@ss w0rd&=+',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
  },
  {
    // Public client (no secret); PKCE S256 is mandatory (pkce.required below).
    client_id: 'public-client',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
  },
];

function parsePositiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`${name} must be a positive integer (seconds), got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

// --------------------------------------------------------------------------
// Storage adapter. oidc-provider's built-in MemoryAdapter works but prints a
// "development-only in-memory adapter" warning and is an LRU capped at 1000
// entries (a long test run could silently evict codes/tokens). This Map-based
// adapter has no cap and honours expiresIn lazily on read.
// --------------------------------------------------------------------------
const store = new Map(); // `${model}:${id}` -> { payload, expiresAt }
const grantIndex = new Map(); // grantId -> Set of store keys issued under it
const sessionUidIndex = new Map(); // Session uid -> Session id
const userCodeIndex = new Map(); // device flow user code -> DeviceCode id (unused)
const epochTime = () => Math.floor(Date.now() / 1000);

function storeGet(key) {
  const entry = store.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt <= Date.now()) {
    store.delete(key);
    return undefined;
  }
  return entry.payload;
}

class TestAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    store.set(key, { payload, expiresAt });
    if (this.model === 'Session') sessionUidIndex.set(payload.uid, id);
    if (payload.userCode) userCodeIndex.set(payload.userCode, id);
    if (payload.grantId && this.model !== 'Grant') {
      if (!grantIndex.has(payload.grantId)) grantIndex.set(payload.grantId, new Set());
      grantIndex.get(payload.grantId).add(key);
    }
  }

  async find(id) {
    return storeGet(this.key(id));
  }

  async findByUid(uid) {
    const id = sessionUidIndex.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = userCodeIndex.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const payload = storeGet(this.key(id));
    if (payload) payload.consumed = epochTime();
  }

  async destroy(id) {
    store.delete(this.key(id));
  }

  async revokeByGrantId(grantId) { // eslint-disable-line class-methods-use-this
    for (const key of grantIndex.get(grantId) ?? []) store.delete(key);
    grantIndex.delete(grantId);
  }
}

// Drop expired entries now and then so a long-lived server does not grow.
setInterval(() => {
  const now = Date.now();
  for (const [key, { expiresAt }] of store) if (expiresAt <= now) store.delete(key);
}, 60_000).unref();

// --------------------------------------------------------------------------
// Signing keys. Without `jwks` oidc-provider uses a published development key
// set and warns about it; a fresh RSA key per process (RS256 is the default
// ID Token alg) avoids the warning and anything relying on a fixed key.
// --------------------------------------------------------------------------
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = {
  ...privateKey.export({ format: 'jwk' }),
  kid: 'test-rs256',
  alg: 'RS256',
  use: 'sig',
};

// --------------------------------------------------------------------------
// Provider configuration.
// --------------------------------------------------------------------------
function configuration() {
  return {
    clients: CLIENTS,
    adapter: TestAdapter,
    jwks: { keys: [signingJwk] },

    // Signed cookies (random per process); without keys oidc-provider warns.
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },

    // Tests should see exact expiry behaviour: no leeway when validating
    // times (default is 15s; also used for DPoP/JWT client auth iat/exp).
    clockTolerance: 0,

    // Only the authorization code flow is offered (no implicit/hybrid).
    responseTypes: ['code'],

    // OIDC scopes. The API scopes are *not* listed here: they belong to the
    // resource server (features.resourceIndicators.getResourceServerInfo).
    scopes: ['openid', 'offline_access'],

    // Minimal account model: every accountId exists and only has `sub`.
    async findAccount(ctx, sub) {
      return { accountId: sub, async claims() { return { sub }; } };
    },

    // PKCE: S256 only (8.x default); required for the public client only, so
    // confidential clients may use it optionally (the 8.x default requires it
    // for everybody). A code_challenge sent by a confidential client is still
    // verified at the token endpoint.
    pkce: {
      methods: ['S256'],
      required: (ctx, client) => client.clientAuthMethod === 'none',
    },

    // Refresh tokens for every client allowed the refresh_token grant. The
    // default policy needs the offline_access scope, which oidc-provider
    // silently drops from authorization requests unless prompt=consent is
    // present - tests should not need prompt=consent.
    async issueRefreshToken(ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    // Refresh tokens outlive the browser session (the default ties tokens to
    // the session unless offline_access was granted).
    async expiresWithSession() {
      return false;
    },
    // Rotate on every use: the old refresh token is consumed and a reused
    // one is rejected with invalid_grant (oidc-provider then also revokes the
    // whole grant, i.e. the rotated-to token too - replay detection).
    rotateRefreshToken: true,

    // Explicit TTLs (seconds). Setting every one that is in use also keeps
    // oidc-provider from printing "you SHOULD change ttl.*" notices.
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      ClientCredentials: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },

    // Our own interaction handler lives at /interaction/:uid (see below).
    interactions: { url: async (ctx, interaction) => `/interaction/${interaction.uid}` },

    // Allow CORS from any origin (tests are not browsers; the default helper
    // prints a notice when a request carries an Origin header).
    clientBasedCORS: () => true,

    // Render errors that cannot be redirected back to the client as JSON
    // instead of the default HTML page - easier to read in test failures.
    async renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = out;
    },

    features: {
      // Replaced by the auto-approving handler below (also silences the
      // "devInteractions is enabled" warning).
      devInteractions: { enabled: false },
      // grant_type=client_credentials.
      clientCredentials: { enabled: true },
      // RFC 7009 revocation endpoint at /token/revocation (client auth required).
      revocation: { enabled: true },
      // RFC 7662 introspection endpoint at /token/introspection. The policy
      // is oidc-provider's default (public clients may only introspect their
      // own tokens), spelled out to avoid its "SHOULD change" notice.
      introspection: {
        enabled: true,
        async allowedPolicy(ctx, client, token) {
          return client.clientAuthMethod !== 'none' || token.clientId === client.clientId;
        },
      },
      // RFC 8707 resource indicators. oidc-provider 8 only puts non-OIDC
      // scopes (api:*) into access tokens that are bound to a resource server,
      // and client_credentials tokens without a resource carry no scope.
      resourceIndicators: {
        enabled: true,
        // Used whenever the client sends no `resource` parameter (authorize,
        // token for every grant), so clients never have to send one.
        async defaultResource(ctx, client, oneOf) {
          return oneOf ? oneOf[0] : API_RESOURCE;
        },
        // Tokens from code/refresh exchanges use the resource granted at
        // authorization time, even when `openid` was requested (the default
        // would issue a UserInfo-only token then).
        async useGrantedResource() {
          return true;
        },
        async getResourceServerInfo(ctx, resourceIndicator) {
          if (resourceIndicator !== API_RESOURCE) {
            throw new errors.InvalidTarget();
          }
          return {
            scope: API_SCOPES,
            audience: API_RESOURCE,
            accessTokenTTL: ACCESS_TOKEN_TTL,
            // Opaque (stored) tokens: /api/me looks them up in the adapter,
            // so expiry and revocation are authoritative and immediate.
            accessTokenFormat: 'opaque',
          };
        },
      },
    },
  };
}

// --------------------------------------------------------------------------
// Auto-approving interactions.
//
// GET /auth?... (no session) -> 303 /interaction/<uid>  (sets the signed
// `_interaction` cookie, path /interaction/<uid>, and `_interaction_resume`,
// path /auth/<uid>). This handler completes login as `user-1` AND consent in
// one go and answers 303 /auth/<uid>; the resume endpoint then answers
// 303 http://127.0.0.1/callback?code=...&state=... .
// When a session already exists (cookie jar reused) but this client has no
// grant yet, or asks for more scopes than granted, the provider opens an
// interaction with prompt "consent" instead; it is approved from the prompt
// details, same three redirects. With session and sufficient grant, /auth
// redirects straight to the callback.
// --------------------------------------------------------------------------
function asList(value) {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

async function autoApprove(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params } = details;
  const accountId = details.session?.accountId ?? ACCOUNT_ID;

  // Extend the existing grant of this session+client if there is one (it may
  // have been revoked meanwhile, e.g. by refresh token reuse detection).
  const grant = (details.grantId && await provider.Grant.find(details.grantId))
    || new provider.Grant({ accountId, clientId: params.client_id });

  const result = {};
  const requested = new Set(String(params.scope ?? '').split(' ').filter(Boolean));

  if (prompt.name === 'login') {
    result.login = { accountId: ACCOUNT_ID };
    // Pre-approve everything requested, so no separate consent round-trip.
    const oidcScopes = [...requested].filter((s) => s === 'openid' || s === 'offline_access');
    if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
    const apiScopes = API_SCOPES.split(' ').filter((s) => requested.has(s));
    const resources = asList(params.resource);
    for (const resource of resources.length ? resources : [API_RESOURCE]) {
      if (apiScopes.length) grant.addResourceScope(resource, apiScopes.join(' '));
    }
  } else {
    // prompt.name === 'consent': grant exactly what the provider says is missing.
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }

  result.consent = { grantId: await grant.save() };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

// --------------------------------------------------------------------------
// Test-only resource server endpoints.
// --------------------------------------------------------------------------
function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

// Look up an opaque access token (authorization_code/refresh_token grants
// store AccessToken, client_credentials stores ClientCredentials). find()
// returns undefined for unknown, destroyed (revoked) or expired tokens.
async function findAccessToken(provider, value) {
  return (await provider.AccessToken.find(value))
    ?? (await provider.ClientCredentials.find(value));
}

async function apiMe(provider, req, res) {
  const match = /^Bearer +([^\s]+) *$/i.exec(req.headers.authorization ?? '');
  const token = match && await findAccessToken(provider, match[1]);
  if (!token) {
    sendJson(res, 401, { error: 'invalid_token' }, {
      'www-authenticate': 'Bearer error="invalid_token"',
    });
    return;
  }
  sendJson(res, 200, {
    sub: token.accountId ?? null, // null for client_credentials tokens
    client_id: token.clientId,
    scope: token.scope ?? '',
    aud: token.aud ?? null,
    kind: token.kind, // "AccessToken" | "ClientCredentials"
    exp: token.exp,
  });
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// POST /test/revoke, form body token=<access or refresh token>. No client
// authentication (unlike /token/revocation). Destroying a refresh token also
// revokes its whole grant, like the standard endpoint does.
async function testRevoke(provider, req, res) {
  const value = new URLSearchParams(await readBody(req)).get('token');
  if (!value) {
    sendJson(res, 400, { error: 'invalid_request', error_description: 'missing token' });
    return;
  }
  const token = (await findAccessToken(provider, value))
    ?? (await provider.RefreshToken.find(value));
  if (token) {
    await token.destroy();
    if (token.kind === 'RefreshToken' && token.grantId) {
      await (await provider.Grant.find(token.grantId))?.destroy();
      await new TestAdapter('AnyModel').revokeByGrantId(token.grantId);
    }
  }
  sendJson(res, 200, { revoked: !!token, kind: token?.kind ?? null });
}

// --------------------------------------------------------------------------
// Wiring: a plain node:http server dispatching our routes and handing
// everything else to oidc-provider's Koa app. We must listen first to learn
// the port, because the issuer (and so the Provider) depends on it.
// --------------------------------------------------------------------------
const server = http.createServer();
server.listen(parsePortEnv(), HOST, () => {
  const { port } = server.address();
  const provider = new Provider(`http://${HOST}:${port}`, configuration());
  // Log server-side errors (e.g. adapter failures) to stderr for debugging.
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  const oidc = provider.callback();

  server.on('request', (req, res) => {
    const { pathname } = new URL(req.url, `http://${HOST}:${port}`);
    const handle = async () => {
      if (/^\/interaction\/[^/]+$/.test(pathname)) return autoApprove(provider, req, res);
      if (pathname === '/api/me' && req.method === 'GET') return apiMe(provider, req, res);
      if (pathname === '/test/revoke' && req.method === 'POST') return testRevoke(provider, req, res);
      return oidc(req, res);
    };
    handle().catch((err) => {
      // e.g. SessionNotFound when /interaction/:uid is hit without cookies.
      console.error(`${req.method} ${pathname}:`, err.error
        ? `${err.error}: ${err.error_description}` // expected OIDC error, no stack
        : err);
      if (!res.headersSent) {
        sendJson(res, err.statusCode ?? 500, {
          error: err.error ?? 'server_error',
          error_description: err.error_description ?? String(err.message),
        });
      } else {
        res.end();
      }
    });
  });

  process.stdout.write(`READY ${port}\n`);
});

function parsePortEnv() {
  const raw = process.env.PORT;
  return raw ? Number(raw) : 0;
}

// --------------------------------------------------------------------------
// Lifetime: exit when stdin ends (spawner closed it or died) or on signals.
// --------------------------------------------------------------------------
function shutdown() {
  server.close();
  process.exit(0);
}
if (process.env.OIDC_EXIT_ON_STDIN_EOF !== '0') {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume(); // we only watch for EOF; any input is discarded
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
