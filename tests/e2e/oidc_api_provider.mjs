// A real OpenID provider issuing client-credentials JWT access tokens to connected systems, for the API tests:
// the OpenID-certified `oidc-provider` (npm) on loopback (recipe: ../shared/recipes/api-tokens.md).
//
//   OIDC_PORT=9400 OIDC_AUDIENCES='["https://dieuhanh.test/api","https://other.test/api"]' \
//   OIDC_CLIENTS='[{"client_id":..,"client_secret":..,"scope":"exchange.read exchange.write",
//                   "claims":{"roles":["system"],"province":"33"},"ttl":600}, ...]' node oidc_api_provider.mjs
//
// Prints "ready <issuer>" once it listens. A token is asked for with
//   POST /token (Basic client_id:client_secret) grant_type=client_credentials&scope=...&resource=<audience>
// and carries sub/client_id, aud, scope, iss, exp and the client's claims. Signing keys: OIDC_JWKS, else made at start.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const host = process.env.OIDC_HOST || '127.0.0.1';
const audiences = JSON.parse(process.env.OIDC_AUDIENCES);
const clients = JSON.parse(process.env.OIDC_CLIENTS);
const byId = Object.fromEntries(clients.map((c) => [c.client_id, c]));
const issuer = `http://${host}:${port}`;
const SCOPES = 'exchange.read exchange.write';

const configuration = {
  // OIDC_JWKS: the private signing keys ({"keys": [...]}), so a test can rotate them (a new kid) across restarts
  ...(process.env.OIDC_JWKS ? { jwks: JSON.parse(process.env.OIDC_JWKS) } : {}),
  clients: clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: c.scope || SCOPES,
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  scopes: ['openid', ...SCOPES.split(' ')],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audiences[0],
      useGrantedResource: () => true,
      getResourceServerInfo(ctx, resource, client) {
        if (!audiences.includes(resource)) throw new Error(`unknown resource ${resource}`);
        return {
          scope: SCOPES,
          audience: resource,
          accessTokenTTL: (byId[client.clientId] || {}).ttl || 600,
          accessTokenFormat: 'jwt',
        };
      },
    },
  },
  async extraTokenClaims(ctx, token) {
    if (token.kind === 'ClientCredentials') return (byId[token.clientId] || {}).claims || {};
    return {};
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, err) => console.error('server_error', err));
const server = provider.listen(port, host, () => console.log(`ready ${issuer}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
