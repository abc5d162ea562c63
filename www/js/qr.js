// qr — the otpauth URI as a QR code for the authenticator app, drawn as
// SVG squares. The encoding itself is qrcode-generator (npm, MIT, no
// dependencies, long maintained), copied into www/vendor/ by
// `npm run vendor` in tests/browser; without it the page still shows the
// key as text and as a link.
import { h } from './dom.js';
import { t } from './i18n.js';

let loading = null;

function load() {
  if (window.qrcode) return Promise.resolve(true);
  if (!loading) {
    loading = new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = 'vendor/qrcode.js';
      s.onload = () => resolve(!!window.qrcode);
      s.onerror = () => resolve(false);
      document.head.append(s);
    });
  }
  return loading;
}

// An <svg> of text, or null when the encoder is not there.
export async function qrSvg(text) {
  if (!(await load())) return null;
  const qr = window.qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount(), q = 4;
  let d = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + q} ${r + q}h1v1h-1z`;
  }
  return h('svg', { viewBox: `0 0 ${n + 2 * q} ${n + 2 * q}`, class: 'qr-code', role: 'img',
                    'aria-label': t('QR code of your two-step sign-in key') },
    h('rect', { class: 'qr-bg', x: 0, y: 0, width: n + 2 * q, height: n + 2 * q }),
    h('path', { class: 'qr-fg', d }));
}
