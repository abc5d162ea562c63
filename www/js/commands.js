// commands — clock in and out, post to a display board, request a report,
// and the facility's commands with the state the PCs settled them in,
// followed in the background while any is still open.
import { portal } from './proto.js';
import { $, h, clear, plain, say, timeEl, toast, values } from './dom.js';
import { describeCommand, parseLine } from './words.js';
import { t } from './i18n.js';

const STATE = { pending: t('Waiting for the PC'), delivered: t('Picked up by the PC'),
                done: t('Done'), failed: t('Failed') };
const FOLLOW_MS = 5000;
let follow = null;

function commandItem(c) {
  return h('li', { class: 'cmd cmd-' + c.status },
    h('p', { class: 'cmd-head' },
      h('span', { class: 'badge badge-' + c.status }, STATE[c.status] || c.status),
      ' ', timeEl(c.ts)),
    h('p', { class: 'cmd-what' }, describeCommand(c.line)),
    c.result ? h('p', {}, t('The PC said:') + ' ', c.result) : null);
}

// Boards used before, offered in the board field's list.
function rememberBoards(commands) {
  const boards = new Set(['lobby']);
  for (const c of commands) {
    const { verb, args } = parseLine(c.line);
    if (verb === 'MESSAGE.POST' && args.board) boards.add(args.board);
  }
  clear($('#msg-boards'), [...boards].sort().map((b) => h('option', { value: b })));
}

export async function listCommands(background = false) {
  const status = $('#cl-status').value;
  const r = await portal('COMMAND.LIST', { status, limit: 50 }, { background });
  if (!r.ok) {
    if (!background) say($('#cmdlist-msg'), plain(r.error, t('The commands could not be read.')), 'error');
    return;
  }
  say($('#cmdlist-msg'), '');
  const cmds = r.data.commands;
  clear($('#cmdlist'), cmds.length ? cmds.map(commandItem) : [h('li', { class: 'empty' }, t('No commands.'))]);
  rememberBoards(cmds);
  // An open command changes when the PC acts on it: follow it until settled.
  clearTimeout(follow);
  follow = null;
  if (!$('#view-commands').hidden && cmds.some((c) => c.status === 'pending' || c.status === 'delivered')) {
    follow = setTimeout(() => listCommands(true), FOLLOW_MS);
  }
}

async function queue(verb, args, done, out) {
  say(out, t('Sending…'), 'info');
  const r = await portal(verb, args);
  if (!r.ok) {
    say(out, plain(r.error, t('Not sent. Check the fields and try again.')), 'error');
    return false;
  }
  mine.add(r.data.command);
  say(out, done + '. ' + t('The PC carries it out the next time it checks in.'), 'ok');
  listCommands();
  return true;
}

// The facility's "commands settled" events (Server-Sent Events from the
// server, never a command's content): the page hears that a PC finished a
// command when it happens, rather than asking again on a timer.
let events = null;
const mine = new Set();

function onSettled(ev) {
  let msg;
  try { msg = JSON.parse(ev.data); } catch { return; }
  const done = (msg.settled || []).filter((s) => mine.has(s.id));
  for (const s of done) {
    mine.delete(s.id);
    toast(s.status === 'done' ? t('The PC has carried out command {id}.', { id: s.id })
      : t('The PC could not carry out command {id}.', { id: s.id }), s.status === 'done' ? 'ok' : 'error');
  }
  if (!$('#view-commands').hidden) listCommands(true);
}

function listenSettled() {
  if (events || typeof EventSource === 'undefined') return;
  events = new EventSource('/api/portal/events');
  events.addEventListener('message', onSettled);
  // Refused (signed out): the browser stops retrying; a later visit reopens.
  events.addEventListener('error', () => {
    if (events && events.readyState === EventSource.CLOSED) events = null;
  });
}

export function commandsStop() {
  if (events) events.close();
  events = null;
  mine.clear();
}

export function commandsShow() {
  listenSettled();
  listCommands();
}

export function commandsHide() {
  clearTimeout(follow);
  follow = null;
}

export function commandsInit() {
  $('#clock-in').addEventListener('click', () =>
    queue('ATTENDANCE.CLOCK', { action: 'in' }, t('Clock-in sent to the PC'), $('#clock-msg')));
  $('#clock-out').addEventListener('click', () =>
    queue('ATTENDANCE.CLOCK', { action: 'out' }, t('Clock-out sent to the PC'), $('#clock-msg')));
  $('#message-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = values(ev.target);
    if (!f.board || !f.text) return say($('#message-msg'), t('Enter a board and a message.'), 'error');
    if (await queue('MESSAGE.POST', { board: f.board, text: f.text }, t('Message sent to the PC'), $('#message-msg'))) {
      $('#msg-text').value = '';
    }
  });
  $('#report-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    queue('REPORT.REQUEST', values(ev.target), t('Report requested'), $('#report-msg'));
  });
  $('#cmdlist-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    listCommands();
  });
  $('#cl-status').addEventListener('change', () => listCommands());
}
