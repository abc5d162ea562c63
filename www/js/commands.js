// commands — clock in and out, post to a display board, request a report,
// and the facility's commands with the state the PCs settled them in.
import { portal } from './proto.js';
import { $, h, clear, say, timeEl, values } from './dom.js';

const STATE = { pending: 'Waiting for the PC', delivered: 'Picked up by the PC',
                done: 'Done', failed: 'Failed' };

function commandItem(c) {
  return h('li', { class: 'cmd cmd-' + c.status },
    h('p', { class: 'cmd-head' },
      h('span', { class: 'badge badge-' + c.status }, STATE[c.status] || c.status),
      ` #${c.id} · ${c.user || '—'} · `, timeEl(c.ts)),
    h('p', { class: 'cmd-line' }, h('code', {}, c.line)),
    c.result ? h('p', {}, 'PC: ', c.result) : null);
}

export async function listCommands(background = false) {
  const status = $('#cl-status').value;
  const r = await portal('COMMAND.LIST', { status, limit: 50 }, { background });
  if (!r.ok) return say($('#cmd-msg'), r.error.message, 'error');
  clear($('#cmdlist'), r.data.commands.length ? r.data.commands.map(commandItem)
    : [h('li', { class: 'empty' }, 'No commands.')]);
}

async function queue(verb, args, done) {
  const r = await portal(verb, args);
  if (!r.ok) {
    const phi = r.error.code === 'PHI_REJECTED';
    return say($('#cmd-msg'), phi
      ? 'Not sent: the text looks like it contains a patient identifier. Remove it and try again.'
      : r.error.message, 'error');
  }
  mine.add(r.data.command);
  say($('#cmd-msg'), `${done} (command ${r.data.command}).`, 'ok');
  listCommands();
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
    say($('#cmd-msg'), s.status === 'done' ? `The PC has carried out command ${s.id}.`
      : `The PC could not carry out command ${s.id}.`, s.status === 'done' ? 'ok' : 'error');
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

export function commandsInit() {
  $('#clock-in').addEventListener('click', () =>
    queue('ATTENDANCE.CLOCK', { action: 'in' }, 'Clock-in sent to the PC'));
  $('#clock-out').addEventListener('click', () =>
    queue('ATTENDANCE.CLOCK', { action: 'out' }, 'Clock-out sent to the PC'));
  $('#message-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = values(ev.target);
    if (!f.board || !f.text) return say($('#cmd-msg'), 'Enter a board and a message.', 'error');
    queue('MESSAGE.POST', { board: f.board, text: f.text }, 'Message sent to the PC')
      .then(() => { if ($('#cmd-msg').classList.contains('msg-ok')) $('#msg-text').value = ''; });
  });
  $('#report-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    queue('REPORT.REQUEST', values(ev.target), 'Report requested');
  });
  $('#cmdlist-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    listCommands();
  });
}
