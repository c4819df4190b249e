/**
 * Where the page gets its JWT, for servers that require one. Asked for every `hello` (reconnects
 * included) and for every `refresh`, in this order:
 *
 * 1. `window.parleyToken`, a hook for a page that embeds or wraps this one: a token string, or a
 *    function returning one (or a promise of one), called each time;
 * 2. the token endpoint named by `?tokenUrl=/path` (same origin only, as the page's
 *    Content-Security-Policy allows): a GET with the page's cookies, answered with the token as
 *    text or as JSON `{"token": "…"}`;
 * 3. the URL fragment `#token=…`, read once when the page loads and then removed from the
 *    address bar so that it is not bookmarked or shared.
 *
 * Resolves to null when none of them gives a token (a server without auth needs none).
 */
const fragment = new URLSearchParams(location.hash.slice(1)).get('token');
if (fragment) {
  const params = new URLSearchParams(location.hash.slice(1));
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
}

/** A same-origin path such as `/auth/token`, or null: anything else is ignored. */
function sameOriginPath(value) {
  if (!value) {
    return null;
  }
  const url = new URL(value, location.origin);
  return url.origin === location.origin ? url.pathname + url.search : null;
}

const tokenUrl = sameOriginPath(new URLSearchParams(location.search).get('tokenUrl'));

export async function currentToken() {
  const hook = window.parleyToken;
  if (typeof hook === 'function') {
    return (await hook()) || null;
  }
  if (typeof hook === 'string' && hook) {
    return hook;
  }
  if (tokenUrl) {
    const response = await fetch(tokenUrl, { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) {
      throw new Error(`token endpoint answered ${response.status}`);
    }
    const body = (await response.text()).trim();
    return body.startsWith('{') ? JSON.parse(body).token || null : body || null;
  }
  return fragment || null;
}

