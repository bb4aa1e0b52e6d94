// A real OpenID Connect provider for the tests, in the style of NHS login: panva's certified
// oidc-provider, with one client that authenticates with private_key_jwt, PKCE required,
// the `vtr` parameter checked as NHS login expects it (a JSON array of vectors), and users
// whose claims are NHS login's (nhs_number, birthdate, family_name, identity_proofing_level,
// and `vot` in the ID token).
//
// Usage: node oidc_provider.mjs SETTINGS.json
// SETTINGS: {"port": 0, "client_id": "...", "redirect_uris": [...], "client_jwk": {...},
//            "users": {"<subject>": {<claims, vot included>}}}
// Prints one line, "listening <issuer>", when it is ready; stops on SIGTERM.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider, { errors } from 'oidc-provider';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${settings.port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-provider', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: settings.client_id,
      redirect_uris: settings.redirect_uris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      id_token_signed_response_alg: 'RS256',
      jwks: { keys: [settings.client_jwk] },
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['test-only-cookie-key-not-a-secret'] },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email'],
  claims: {
    // NHS login returns the vector of trust achieved (vot) and its trustmark (vtm) in the ID
    // token; the person's details come from the userinfo endpoint.
    openid: ['sub', 'vot', 'vtm'],
    profile: ['nhs_number', 'birthdate', 'family_name', 'given_name', 'identity_proofing_level'],
    email: ['email', 'email_verified'],
  },
  conformIdTokenClaims: false,
  extraParams: {
    vtr(ctx, value) {
      let vectors;
      try {
        vectors = JSON.parse(value);
      } catch {
        vectors = null;
      }
      if (!Array.isArray(vectors) || !vectors.every((v) => typeof v === 'string')) {
        throw new errors.InvalidRequest('vtr must be a JSON array of vectors of trust');
      }
    },
  },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, sub) {
    const claims = settings.users[sub];
    if (!claims) return undefined;
    return { accountId: sub, async claims() { return { sub, ...claims }; } };
  },
  // The test client is trusted: no consent page, every scope it asks for is granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
});

const server = provider.listen(settings.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
