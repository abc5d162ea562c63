// proto — the wire protocol as the portal speaks it (PROTOCOL.md §1–§3):
// one command line per POST, values quoted by quote() and nothing else.
import * as wrapper from './wrapper.js';
import { t } from './i18n.js';

const BARE = /^[A-Za-z0-9\-_.:@+\/,$=]+$/;

// A value as a command line carries it: bare when the grammar allows,
// else in double quotes with \" \\ \n \t escapes. Other control
// characters are refused by the server, so they are dropped here.
export function quote(value) {
  const s = String(value);
  if (BARE.test(s)) return s;
  const body = s
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t');
  return '"' + body + '"';
}

// "VERB k=v k=v" from an object; null, undefined and '' are left out.
export function commandLine(verb, args = {}) {
  const parts = [verb];
  for (const [key, value] of Object.entries(args)) {
    if (value === null || value === undefined || value === '') continue;
    parts.push(key + '=' + quote(value));
  }
  return parts.join(' ');
}

const hooks = { activity: () => {}, authLost: () => {} };

// activity(): a foreground request was accepted (the idle clock restarted);
// authLost(code): the session is gone (SESSION_EXPIRED, AUTH_REQUIRED).
export function setHooks(h) { Object.assign(hooks, h); }

// Sends one command; resolves to {ok, status, data, error}. A background
// call carries Infosys-Background: 1 so that it never keeps an abandoned
// session alive. Pages bundled in an app (wrapper.js) send the bearer
// token the sign-in answered, never a cookie.
export async function send(endpoint, verb, args = {}, opts = {}) {
  const headers = { 'Content-Type': 'application/x-infosys-command' };
  if (opts.background) headers['Infosys-Background'] = '1';
  if (wrapper.token()) headers.Authorization = 'Bearer ' + wrapper.token();
  let res, body;
  try {
    res = await fetch(wrapper.apiUrl(endpoint), {
      method: 'POST', headers, body: commandLine(verb, args),
      credentials: wrapper.bundled ? 'omit' : 'same-origin', cache: 'no-store',
    });
    body = await res.json();
  } catch (e) {
    return { ok: false, status: 0, error: { code: 'NETWORK', message: wrapper.bundled
      ? t('The server at {server} could not be reached, or it does not accept this app. Check the server address and the connection; if both are right, ask your administrator to allow this app.', { server: wrapper.server() })
      : t('The server could not be reached. Check the connection and try again.') } };
  }
  const out = { ok: !!body.ok, status: res.status, data: body.data || {},
                error: body.error || null };
  const code = out.error && out.error.code;
  // A new session (sign-in, two-step set-up) hands the app its token.
  if (wrapper.bundled && out.ok && out.data.token) {
    await wrapper.tokenSet(out.data.token);
    delete out.data.token;
  }
  if (wrapper.bundled && (code === 'SESSION_EXPIRED' || code === 'AUTH_REQUIRED' ||
      verb === 'LOGOUT')) {
    await wrapper.tokenClear();
  }
  if (code === 'SESSION_EXPIRED' || (code === 'AUTH_REQUIRED' && endpoint !== 'sync')) {
    if (!opts.quietAuth) hooks.authLost(code);
  } else if (!opts.background && out.ok) {
    hooks.activity();
  }
  return out;
}

export const auth = (verb, args, opts) => send('auth', verb, args, opts);
export const portal = (verb, args, opts) => send('portal', verb, args, opts);
