// enroll — an admin's two-step sign-in set-up (MFA.ENROLL, MFA.CONFIRM).
import { auth } from './proto.js';
import { $, plain, say, values } from './dom.js';
import { qrSvg } from './qr.js';
import { t } from './i18n.js';

export function enrollInit(onDone) {
  $('#enroll-start').addEventListener('click', async () => {
    const r = await auth('MFA.ENROLL');
    if (!r.ok) return say($('#enroll-msg'), plain(r.error), 'error');
    $('#enroll-secret').textContent = r.data.secret.replace(/(.{4})/g, '$1 ').trim();
    $('#enroll-link').href = r.data.otpauth_uri;
    const qr = await qrSvg(r.data.otpauth_uri);
    $('#enroll-qr').replaceChildren(...(qr ? [qr] : []));
    $('#enroll-key').hidden = false;
    $('#enroll-start').hidden = true;
    $('#en-otp').focus();
  });
  $('#enroll-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await auth('MFA.CONFIRM', { otp: values(ev.target).otp });
    if (!r.ok) return say($('#enroll-msg'), t('That code was not accepted. Enter the code your app shows now.'), 'error');
    ev.target.reset();
    say($('#enroll-msg'), '');
    onDone();
  });
}
