// words — what happened, in plain words: a command's canonical line and
// an activity-log entry as sentences people read, never protocol lines.
import { t } from './i18n.js';

// "VERB k=v k=\"quoted\"" → { verb, args } (the grammar of PROTOCOL.md §2
// as the server writes canonical lines: bare or double-quoted values).
export function parseLine(line) {
  const m = /^(\S+)\s*(.*)$/.exec(line || '') || [null, '', ''];
  const args = {};
  const re = /([a-z_]+)=(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (let a; (a = re.exec(m[2]));) {
    args[a[1]] = a[2] !== undefined
      ? a[2].replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t' }[c] || c)) : a[3];
  }
  return { verb: m[1], args };
}

const REPORTS = { inventory: t('Inventory report requested'), temperature: t('Temperature report requested'),
  attendance: t('Attendance report requested') };

// A queued command as a sentence; names maps device and alarm ids to
// what people call them, when known.
export function describeCommand(line, names = {}) {
  const { verb, args } = parseLine(line);
  const by = args.user ? ' ' + t('by {user}', { user: args.user }) : '';
  switch (verb) {
    case 'ALARM.ACK':
      return t('Alarm {alarm} acknowledged', { alarm: names[args.alarm] || args.alarm }) + by +
        (args.note ? t(', note: “{note}”', { note: args.note }) : '');
    case 'ATTENDANCE.CLOCK':
      return args.action === 'out' ? t('{user} clocked out', { user: args.user || t('Someone') })
        : t('{user} clocked in', { user: args.user || t('Someone') });
    case 'MESSAGE.POST':
      return t('Message for the {board} board', { board: args.board }) + by + `: “${args.text || ''}”`;
    case 'REPORT.REQUEST':
      return (REPORTS[args.kind] || args.kind) + by;
    default:
      return `${verb}${by}`;
  }
}

const ACTIONS = {
  'user.unlock': (x) => t('unlocked {user}', { user: x }),
  'user.reset': (x) => t('reset the password of {user}', { user: x }),
  'user.disable': (x) => t('disabled {user}', { user: x }),
  'user.enable': (x) => t('enabled {user}', { user: x }),
  'policy.set': () => t('changed the security policy'),
  'password.change': () => t('changed their own password'),
  'password.reset': () => t('set a new password with a reset code'),
  'mfa.enable': () => t('turned on two-step sign-in'),
  'device.range': (x) => t('changed the acceptable range of {device}', { device: x }),
  'audit.activity': () => t('looked at the activity log'),
  'audit.requests': () => t('looked at the request log'),
  'audit.logins': () => t('looked at the sign-in history'),
  'sync.log': () => t('looked at the PC sync log'),
};

// An activity entry's action on its target, e.g. "unlocked staff".
export function describeAction(e) {
  if (e.module === 'commands' && e.detail) return describeCommand(e.detail);
  const f = ACTIONS[e.action];
  return f ? f(e.target || '') : `${e.action.replace(/[._]/g, ' ')}${e.target ? ' ' + e.target : ''}`;
}

const POLICY_WORDS = {
  idle_timeout_s: (v) => t('sign out after {min} min idle', { min: Math.round(v / 60) }),
  min_length: (v) => t('passwords at least {n} characters', { n: v }),
  require_digit: (v) => (Number(v) ? t('a digit required') : t('no digit required')),
  require_special: (v) => (Number(v) ? t('a symbol required') : t('no symbol required')),
  require_mixed_case: (v) => (Number(v) ? t('mixed case required') : t('mixed case not required')),
  max_age_days: (v) => (Number(v) ? t('passwords expire after {n} days', { n: v }) : t('passwords never expire')),
  history: (v) => t('last {n} passwords not reused', { n: v }),
  mfa_admins: (v) => (Number(v) ? t('admins use two-step sign-in') : t('two-step sign-in optional')),
};

// An entry's detail as words: JSON (a policy change) becomes a list of
// what changed; other text is shown as it is.
export function describeDetail(e) {
  if (!e.detail || e.module === 'commands') return '';
  let d;
  try { d = JSON.parse(e.detail); } catch { return e.detail; }
  if (!d || typeof d !== 'object') return String(d);
  return Object.entries(d).map(([k, v]) => {
    const val = v && typeof v === 'object' && 'new' in v ? v.new : v;
    return POLICY_WORDS[k] ? POLICY_WORDS[k](val) : `${k.replace(/_/g, ' ')}: ${JSON.stringify(val)}`;
  }).join('; ');
}
