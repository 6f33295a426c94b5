// A real OpenID Connect provider for attune's tests: oidc-provider (an OpenID Certified
// implementation) with its development sign-in pages. Any password is accepted; the
// login name picks one of the test people below.
//   PORT=... REDIRECT_URI=https://localhost:8443/oauth2callback node provider.mjs
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const redirect = process.env.REDIRECT_URI;
const people = {
  // an attune account has this e-mail as its username
  'pat@example.org': { email: 'pat@example.org', email_verified: true },
  // the organisation never confirmed this address: attune refuses it
  'unverified@example.org': { email: 'unverified@example.org', email_verified: false },
  // a real person of the organisation without an attune account
  'stranger@example.org': { email: 'stranger@example.org', email_verified: true },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'attune',
    client_secret: 'attune-test-client-secret',
    redirect_uris: [redirect],
    // Streamlit sends people back to its callback after the provider's sign-out
    post_logout_redirect_uris: [redirect],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  async findAccount(ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...person }; } };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  // the e-mail in the ID token itself, as Entra ID, Google and Keycloak send it:
  // Streamlit reads the person from the ID token, not from the userinfo endpoint
  conformIdTokenClaims: false,
  scopes: ['openid', 'email', 'profile'],
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['attune-test-provider-cookie-key'] },
  pkce: { required: () => false },
});
provider.proxy = true;
provider.listen(port, '127.0.0.1', () => console.log(`provider listening on ${port}`));
