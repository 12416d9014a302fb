#!/usr/bin/env node
// The load-generating SMSC of bench/smpp.py, on node-smpp (tests/smsc/node_modules, `npm ci
// --prefix tests/smsc`). It listens on 127.0.0.1 (a port chosen at run time), accepts any bind,
// answers enquire_link, unbind and submit_sm (hex message ids, a delivery receipt per accepted
// submit_sm that asks for one when receipts are on), and drives MO traffic on command:
//
//   {"cmd":"run","rate":1000,"seconds":10,"warmup":1,"drain":20,"mo_window":500,
//    "window_per":"smsc","outstanding":5000,"to":"36111","texts":["HOURS","VOTE A"],
//    "receipts":false}
//
// sends deliver_sm from distinct phones (one reply expected per MO), at `rate` per second (0:
// flat out, as fast as the windows allow) for `seconds`, keeping at most `mo_window` deliver_sm
// unanswered (`window_per` "smsc": in all, whatever the number of binds; "bind": on each bind,
// as an SMSC's per-session window) and at most `outstanding` MOs waiting for their reply, the
// MOs spread over the binds in turn (a bind whose window is full is passed), then waits up to `drain`
// seconds for the replies still due, and prints one {"event":"result",...} line: MOs sent and
// acknowledged, replies (a submit_sm to the MO's sender), and the latency from each deliver_sm
// written to the socket to its reply's submit_sm read, on this process's clock. Replies/s count
// the replies read between `warmup` and `seconds`; the latency covers the MOs sent in that span.
//
// Writes are batched: every PDU of one turn of the event loop leaves in one socket write (cork
// until the next tick). Two other modes measure node itself:
//
//   node smsc_load.js esme PORT [texts]   an ESME that answers every deliver_sm at once and sends
//                                         one submit_sm back: the SMSC's own ceiling
//
// Every address is 127.0.0.1. stdin closing ends the process.
'use strict';

const path = require('path');
const readline = require('readline');
const smpp = require(require.resolve('smpp', { paths: [path.join(__dirname, '..', 'tests', 'smsc')] }));

const now = () => performance.now(); // ms, monotonic

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// One socket write per turn of the event loop.
function corked(session) {
  if (!session._corkPending) {
    session._corkPending = true;
    session.socket.cork();
    process.nextTick(() => {
      session._corkPending = false;
      session.socket.uncork();
    });
  }
}

function send(session, pdu, callback) {
  corked(session);
  return session.send(pdu, callback);
}

// --- the SMSC -----------------------------------------------------------------------------------

const sessions = new Set();
let nextId = 0x100000;
let run = null; // the load in progress
let serial = 0; // phones are never reused in one process: a poll counts one vote per number
let receiptsOn = false;

function receivers() {
  return [...sessions].filter((s) => s.bound === 'bind_transceiver' || s.bound === 'bind_receiver');
}

function percentile(sorted, fraction) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

function sendReceipt(session, submit, messageId) {
  const stamp = new Date().toISOString().replace(/[-T:]/g, '').slice(2, 12);
  const text = `id:${messageId} sub:001 dlvrd:001 submit date:${stamp} done date:${stamp} ` +
    'stat:DELIVRD err:000 text:';
  const pdu = new smpp.PDU('deliver_sm', {
    source_addr: submit.destination_addr,
    source_addr_ton: submit.dest_addr_ton,
    source_addr_npi: submit.dest_addr_npi,
    destination_addr: submit.source_addr,
    dest_addr_ton: submit.source_addr_ton,
    dest_addr_npi: submit.source_addr_npi,
    esm_class: 0x04,
    data_coding: 0x01,
    short_message: Buffer.from(text, 'ascii'),
  });
  const r = run;
  if (r) r.receiptsSent += 1;
  send(session, pdu, (resp) => {
    if (r) {
      if (resp.command_status === 0) r.receiptsOk += 1;
      else r.receiptsRefused += 1;
    }
  });
}

function onSubmit(session, pdu) {
  const messageId = (nextId++).toString(16).toUpperCase();
  send(session, pdu.response({ message_id: messageId }));
  const r = run;
  if (r) {
    const t = now();
    const phone = String(pdu.destination_addr).replace(/^\+/, '');
    const sentAt = r.waiting.get(phone);
    if (sentAt === undefined) {
      r.unexpected += 1;
    } else {
      r.waiting.delete(phone);
      r.replies += 1;
      r.lastReply = t;
      const second = Math.floor((t - r.start) / 1000);
      r.timeline[second] = (r.timeline[second] || 0) + 1;
      if (t >= r.windowStart && t < r.windowEnd) r.repliesInWindow += 1;
      if (sentAt >= r.windowStart && sentAt < r.windowEnd) r.latencies.push(t - sentAt);
      const sm = pdu.short_message;
      const body = sm && typeof sm === 'object' && !Buffer.isBuffer(sm) ? sm.message : sm;
      const key = Buffer.isBuffer(body) ? body.toString('latin1') : String(body);
      if (r.replyTexts.has(key) || r.replyTexts.size < 20) {
        r.replyTexts.set(key, (r.replyTexts.get(key) || 0) + 1);
      }
      pump();
    }
  }
  if (receiptsOn && pdu.registered_delivery & 0x01) sendReceipt(session, pdu, messageId);
}

const server = smpp.createServer((session) => {
  sessions.add(session);
  session.socket.setNoDelay(true);
  session.bound = null;
  for (const bind of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) {
    session.on(bind, (pdu) => {
      session.bound = bind;
      send(session, pdu.response({ system_id: 'bench-smsc' }));
      emit({ event: 'bound', bind, system_id: pdu.system_id });
    });
  }
  session.on('enquire_link', (pdu) => send(session, pdu.response()));
  session.on('unbind', (pdu) => {
    send(session, pdu.response());
    emit({ event: 'unbind' });
    session.close();
  });
  session.on('submit_sm', (pdu) => onSubmit(session, pdu));
  session.on('close', () => {
    sessions.delete(session);
    emit({ event: 'close' });
  });
  session.on('error', (err) => emit({ event: 'error', error: String(err) }));
});

function moPdu(r, phone, text) {
  return new smpp.PDU('deliver_sm', {
    source_addr: phone,
    source_addr_ton: 1,
    source_addr_npi: 1,
    destination_addr: r.to,
    dest_addr_ton: 0,
    dest_addr_npi: 0,
    esm_class: 0,
    data_coding: 0,
    short_message: text,
  });
}

// The bind the next MO goes to: the binds in turn; with per-bind windows, the next one whose
// own window has room (null when none has).
function nextTarget(r, targets) {
  for (let tried = 0; tried < targets.length; tried += 1) {
    const session = targets[r.turn % targets.length];
    r.turn += 1;
    if (!r.perBind || (session._unacked || 0) < r.moWindow) return session;
  }
  return null;
}

// Send every MO that is due and allowed by the windows.
function pump() {
  const r = run;
  if (!r || r.stopped) return;
  const t = now();
  if (t >= r.offerEnd) {
    finishOffer(r);
    return;
  }
  const targets = receivers();
  if (!targets.length) return;
  let due = r.rate > 0 ? Math.floor((t - r.start) * r.rate / 1000) + 1 - r.sent : Infinity;
  while (due > 0 && r.unacked < r.moWindow * (r.perBind ? targets.length : 1) &&
         r.waiting.size < r.outstanding) {
    const session = nextTarget(r, targets);
    if (!session) break; // every bind's own window is full
    serial += 1;
    const phone = r.prefix + String(serial).padStart(8, '0');
    const text = r.texts[r.sent % r.texts.length];
    const sentAt = now();
    r.waiting.set(phone, sentAt);
    r.sent += 1;
    r.unacked += 1;
    session._unacked = (session._unacked || 0) + 1;
    r.mostUnacked = Math.max(r.mostUnacked, r.unacked);
    r.binds.set(session, (r.binds.get(session) || 0) + 1);
    if (sentAt >= r.windowStart && sentAt < r.windowEnd) r.sentInWindow += 1;
    send(session, moPdu(r, phone, text), (resp) => {
      r.unacked -= 1;
      session._unacked -= 1;
      if (sentAt >= r.windowStart && sentAt < r.windowEnd) r.ackLatencies.push(now() - sentAt);
      if (resp.command_status === 0) {
        r.acked += 1;
      } else {
        r.refused += 1;
        r.waiting.delete(phone); // the ESME refused it: no reply will come
      }
      pump();
    });
    due -= 1;
  }
  if (r.rate > 0 && due > 0) r.blocked += 1; // a window held back a due MO
}

function startRun(cmd) {
  const t = now();
  const seconds = cmd.seconds || 10;
  const warmup = Math.min(cmd.warmup === undefined ? 1 : cmd.warmup, seconds / 2);
  receiptsOn = !!cmd.receipts;
  run = {
    label: cmd.label || '',
    rate: cmd.rate || 0,
    to: cmd.to || '36111',
    texts: cmd.texts && cmd.texts.length ? cmd.texts : ['HOURS'],
    prefix: cmd.prefix || '33',
    moWindow: cmd.mo_window || 500,
    perBind: cmd.window_per === 'bind',
    turn: 0,
    outstanding: cmd.outstanding || 5000,
    start: t,
    windowStart: t + warmup * 1000,
    windowEnd: t + seconds * 1000,
    offerEnd: t + seconds * 1000,
    drainEnd: t + (seconds + (cmd.drain === undefined ? 20 : cmd.drain)) * 1000,
    sent: 0, sentInWindow: 0, unacked: 0, acked: 0, refused: 0, blocked: 0, mostUnacked: 0,
    binds: new Map(), // bind -> MOs sent on it
    replies: 0, repliesInWindow: 0, unexpected: 0, lastReply: 0,
    receiptsSent: 0, receiptsOk: 0, receiptsRefused: 0,
    waiting: new Map(), latencies: [], ackLatencies: [], timeline: [], replyTexts: new Map(),
    stopped: false, cpu0: process.cpuUsage(),
  };
  run.texts = run.texts.slice();
  const r = run;
  const tick = () => {
    if (r.stopped) return;
    pump();
    if (now() < r.offerEnd) setTimeout(tick, 1);
    else finishOffer(r);
  };
  tick();
}

function finishOffer(r) {
  if (r.stopped) return;
  r.stopped = true;
  r.offerEndActual = now();
  const check = () => {
    const t = now();
    const receiptsDone = r.receiptsOk + r.receiptsRefused === r.receiptsSent;
    if ((r.waiting.size === 0 && r.unacked === 0 && receiptsDone) || t >= r.drainEnd) report(r);
    else setTimeout(check, 5);
  };
  check();
}

function report(r) {
  const sorted = Float64Array.from(r.latencies).sort();
  const acks = Float64Array.from(r.ackLatencies).sort();
  const cpu = process.cpuUsage(r.cpu0);
  const span = (r.windowEnd - r.windowStart) / 1000;
  const wall = (now() - r.start) / 1000;
  emit({
    event: 'result',
    label: r.label,
    rate: r.rate,
    sent: r.sent,
    sent_in_window: r.sentInWindow,
    acked: r.acked,
    refused: r.refused,
    unacked: r.unacked,
    most_unacked: r.mostUnacked,
    mos_per_bind: [...r.binds.values()],
    blocked: r.blocked,
    replies: r.replies,
    replies_in_window: r.repliesInWindow,
    window_seconds: span,
    replies_per_s: r.repliesInWindow / span,
    offered_per_s: r.sentInWindow / span,
    missing: r.waiting.size,
    unexpected: r.unexpected,
    latency_ms: {
      count: sorted.length,
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      max: sorted.length ? sorted[sorted.length - 1] : null,
    },
    ack_ms: { p50: percentile(acks, 0.5), p99: percentile(acks, 0.99) },
    drain_s: r.lastReply ? Math.max(0, (r.lastReply - r.offerEndActual) / 1000) : null,
    receipts: { sent: r.receiptsSent, ok: r.receiptsOk, refused: r.receiptsRefused },
    timeline: Array.from(r.timeline, (v) => v || 0),
    reply_texts: Object.fromEntries(r.replyTexts),
    smsc_cpu_s: (cpu.user + cpu.system) / 1e6,
    wall_s: wall,
  });
  run = null;
}

// --- the ESME that answers at once (the SMSC's own ceiling) -------------------------------------

function esme(port, text) {
  const session = smpp.connect({ host: '127.0.0.1', port });
  session.socket.setNoDelay(true);
  session.on('connect', () => {
    session.bind_transceiver({ system_id: 'echo', password: 'echo' }, (pdu) => {
      emit({ event: 'esme_bound', status: pdu.command_status });
    });
  });
  session.on('deliver_sm', (pdu) => {
    send(session, pdu.response());
    if (pdu.esm_class & 0x3c) return; // a receipt
    send(session, new smpp.PDU('submit_sm', {
      source_addr: pdu.destination_addr,
      source_addr_ton: 3,
      destination_addr: pdu.source_addr,
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      short_message: text,
    }));
  });
  session.on('enquire_link', (pdu) => send(session, pdu.response()));
  session.on('unbind', (pdu) => { send(session, pdu.response()); session.close(); });
  session.on('close', () => process.exit(0));
  session.on('error', (err) => { emit({ event: 'error', error: String(err) }); process.exit(1); });
}

// --- commands -----------------------------------------------------------------------------------

function commands(onLine) {
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let cmd;
    try {
      cmd = JSON.parse(line);
    } catch (err) {
      emit({ event: 'error', error: 'not JSON: ' + line });
      return;
    }
    onLine(cmd);
  });
  lines.on('close', () => process.exit(0));
}

if (process.argv[2] === 'esme') {
  esme(Number(process.argv[3]), process.argv[4] || 'We are open Monday to Friday, 9:00-18:00.');
  commands((cmd) => { if (cmd.cmd === 'quit') process.exit(0); });
} else {
  commands((cmd) => {
    if (cmd.cmd === 'run') startRun(cmd);
    else if (cmd.cmd === 'quit') {
      for (const session of sessions) session.socket.destroy();
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 500);
    } else emit({ event: 'error', error: 'unknown command ' + cmd.cmd });
  });
  server.listen(0, '127.0.0.1', () => emit({ event: 'listening', port: server.address().port }));
}
