// A real OpenID provider for the login tests: the OpenID-certified `oidc-provider` (npm) on loopback.
//
//   OIDC_PORT=9400 OIDC_CLIENT='{"client_id":..,"client_secret":..,"redirect_uri":..}' \
//   OIDC_USERS='{"hungyen":{"name":..,"roles":["province_staff"],"province":"33"}, ...}' node oidc_provider.mjs
//
// Prints "ready <issuer>" once it listens. Its built-in login form (devInteractions) takes any password; a name not
// in OIDC_USERS logs in as an account without claims (a clean "no access" path, not a server error).
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const host = process.env.OIDC_HOST || '127.0.0.1';
const client = JSON.parse(process.env.OIDC_CLIENT);
const users = JSON.parse(process.env.OIDC_USERS || '{}');
const issuer = `http://${host}:${port}`;
const SCOPE = 'dieuhanh';

const configuration = {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: [client.redirect_uri],
    post_logout_redirect_uris: [client.redirect_uri], // st.logout() sends the callback URI back here
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  scopes: ['openid', 'profile', SCOPE],
  claims: { openid: ['sub'], profile: ['name'], [SCOPE]: ['roles', 'agency', 'province'] },
  // Streamlit builds st.user from the ID token only (it never calls userinfo): put the claims in it.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['dieuhanh-e2e-cookie-key'] },
  ttl: { IdToken: Number(process.env.OIDC_ID_TOKEN_TTL || 3600) },
  async findAccount(ctx, id) {
    const claims = users[id] || {};
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  // consent is implied for the one test client: grant what it asks for
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(`openid profile ${SCOPE}`);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, err) => console.error('server_error', err));
const server = provider.listen(port, host, () => console.log(`ready ${issuer}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
