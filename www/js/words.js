// words — what happened, in plain words: a command's canonical line and
// an activity-log entry as sentences people read, never protocol lines.

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

const REPORTS = { inventory: 'Inventory', temperature: 'Temperature', attendance: 'Attendance' };

// A queued command as a sentence; names maps device and alarm ids to
// what people call them, when known.
export function describeCommand(line, names = {}) {
  const { verb, args } = parseLine(line);
  const by = args.user ? ` by ${args.user}` : '';
  switch (verb) {
    case 'ALARM.ACK':
      return `Alarm ${names[args.alarm] || args.alarm} acknowledged${by}` +
        (args.note ? `, note: “${args.note}”` : '');
    case 'ATTENDANCE.CLOCK':
      return `${args.user || 'Someone'} clocked ${args.action === 'out' ? 'out' : 'in'}`;
    case 'MESSAGE.POST':
      return `Message for the ${args.board} board${by}: “${args.text || ''}”`;
    case 'REPORT.REQUEST':
      return `${REPORTS[args.kind] || args.kind} report requested${by}`;
    default:
      return `${verb}${by}`;
  }
}

const ACTIONS = {
  'user.unlock': (t) => `unlocked ${t}`,
  'user.reset': (t) => `reset the password of ${t}`,
  'user.disable': (t) => `disabled ${t}`,
  'user.enable': (t) => `enabled ${t}`,
  'policy.set': () => 'changed the security policy',
  'password.change': () => 'changed their own password',
  'password.reset': () => 'set a new password with a reset code',
  'mfa.enable': () => 'turned on two-step sign-in',
  'device.range': (t) => `changed the acceptable range of ${t}`,
  'audit.activity': () => 'looked at the activity log',
  'audit.requests': () => 'looked at the request log',
  'audit.logins': () => 'looked at the sign-in history',
  'sync.log': () => 'looked at the PC sync log',
};

// An activity entry's action on its target, e.g. "unlocked staff".
export function describeAction(e) {
  if (e.module === 'commands' && e.detail) return describeCommand(e.detail);
  const f = ACTIONS[e.action];
  return f ? f(e.target || '') : `${e.action.replace(/[._]/g, ' ')}${e.target ? ' ' + e.target : ''}`;
}

const POLICY_WORDS = {
  idle_timeout_s: (v) => `sign out after ${Math.round(v / 60)} min idle`,
  min_length: (v) => `passwords at least ${v} characters`,
  require_digit: (v) => (Number(v) ? 'a digit required' : 'no digit required'),
  require_special: (v) => (Number(v) ? 'a symbol required' : 'no symbol required'),
  require_mixed_case: (v) => (Number(v) ? 'mixed case required' : 'mixed case not required'),
  max_age_days: (v) => (Number(v) ? `passwords expire after ${v} days` : 'passwords never expire'),
  history: (v) => `last ${v} passwords not reused`,
  mfa_admins: (v) => (Number(v) ? 'admins use two-step sign-in' : 'two-step sign-in optional'),
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
