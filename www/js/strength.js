// strength — a live password-strength meter under a new-password field.
// The estimate is zxcvbn-ts (npm, MIT), the JavaScript port of the zxcvbn
// the server checks with (C port, policy min_score), copied into
// www/vendor/ by `npm run vendor` in tests/browser and loaded only when a
// password field is first used. Advice only: the server decides. (Its
// advice comes in English: zxcvbn-ts has no Spanish dictionary.)
import { t } from './i18n.js';

const FILES = ['vendor/zxcvbn-core.js', 'vendor/zxcvbn-common.js', 'vendor/zxcvbn-en.js'];
const WORDS = [t('Very weak'), t('Weak'), t('Fair'), t('Strong'), t('Very strong')];
let loading = null;

function script(src) {
  return new Promise((resolve) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve(true);
    s.onerror = () => resolve(false);
    document.head.append(s);
  });
}

// The estimator, or null when its files cannot be loaded.
function estimator() {
  if (!loading) {
    loading = (async () => {
      for (const f of FILES) if (!(await script(f))) return null;
      const z = window.zxcvbnts;
      const common = z['language-common'];
      const en = z['language-en'];
      return new z.core.ZxcvbnFactory({
        translations: en.translations, graphs: common.adjacencyGraphs,
        dictionary: { ...common.dictionary, ...en.dictionary },
      });
    })();
  }
  return loading;
}

// Shows the strength of input's value in out (a <p class="strength">
// holding a <meter> and a <span class="strength-text">, see index.html); inputs() gives the words an attacker of this
// account tries first (user name, facility code).
export function attachMeter(input, out, inputs = () => []) {
  const meter = out.querySelector('meter');
  const text = out.querySelector('.strength-text');
  const update = async () => {
    const pw = input.value;
    if (!pw) { out.hidden = true; return; }
    const z = await estimator();
    if (!z || input.value !== pw) return;
    const r = z.check(pw, inputs().filter(Boolean));
    meter.value = r.score;
    out.dataset.score = r.score;
    out.hidden = false;
    const advice = r.feedback.warning || (r.score < 3 ? r.feedback.suggestions[0] : '');
    text.textContent = t('Strength: {score}.', { score: WORDS[r.score] }) + (advice ? ' ' + advice : '');
  };
  input.addEventListener('input', update);
  input.addEventListener('focus', () => { estimator(); }, { once: true });
}
