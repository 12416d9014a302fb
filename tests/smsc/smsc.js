#!/usr/bin/env node
// A small SMSC for twoway's tests, built on node-smpp (npm `smpp` 0.5.1): a peer we did not write.
//
// Listens on 127.0.0.1 at a port chosen at run time and prints one JSON object per line on
// stdout; the first is {"event":"listening","port":N}. Every PDU it receives from the ESME is
// reported (submit_sm with node-smpp's own decoding of the text and UDH), so a test reads
// stdout as the record of what arrived. It takes commands as JSON lines on stdin:
//
//   {"cmd":"mo","from":"33600000001","to":"36111","text":"VOTE A"}   deliver_sm (optional:
//       "source_addr_ton", "dest_addr_ton", "data_coding", "esm_class", "udh" hex,
//       "short_message" hex instead of text, "tlvs": {"0x1234": hex}, "id" echoed back)
//   {"cmd":"mo_on_bind", …same keys as mo…}  send that deliver_sm right behind the next bind_resp
//   {"cmd":"receipts","stat":"DELIVRD","err":"000","delay":0,"id_format":"same|decimal|upper",
//       "on":true,"tlv":false}                 how to send delivery receipts for accepted submits
//   {"cmd":"throttle","count":N}              answer the next N submit_sm with ESME_RTHROTTLED
//   {"cmd":"silence","submit_sm":true,"enquire_link":true}   stop answering those (false: resume)
//   {"cmd":"drop"}                            destroy every connection (no unbind)
//   {"cmd":"unbind"}                          send unbind on every session
//   {"cmd":"spread","on":true}                deliver MOs round-robin over every bound receiver
//       (as an SMSC spreads them over an account's binds) rather than all on the first; each
//       mo_resp then says on which connection ("session": 1, 2, … in the order they connected)
//   {"cmd":"quit"}                            close and exit
//
// Misbehaviours, for the tests of what the ESME does about them:
//
//   {"cmd":"refuse_bind","status":14}         answer every bind with this status (0: accept)
//   {"cmd":"nack","on":true,"status":3}       answer every request (binds too) with generic_nack
//   {"cmd":"unbind_after_submit","answer":true}   send unbind right after the next submit_sm,
//       answered first when "answer" is true, left unanswered otherwise
//   {"cmd":"drop_after","count":N}            destroy the connection on the Nth PDU received from
//       now on, before reading it; with "command":"deliver_sm_resp", the Nth PDU of that command
//   {"cmd":"delay","submit_sm":2000}          answer each submit_sm that many ms late
//   {"cmd":"raw","hex":"…"}                   write these octets as they are on every connection
//   {"cmd":"cut"}                             cut every connection after the SMSC's own writes:
//       nothing the ESME sends from now on is read (a deliver_sm_resp on its way is lost), what
//       the SMSC wrote is flushed, then the connection closes; "hard":true resets it instead
//   {"cmd":"stream","count":10000,"window":100,"to":"36111","texts":["HOURS"],"from":33700000000,
//       "cut_at":[2500],"reset_at":[5000]}  deliver `count` MOs from distinct phones (from,
//       from+1, …; text texts[i % len]), at most `window` unanswered; re-deliver every MO whose
//       deliver_sm_resp did not come (the connection closed) or was not ESME_ROK, as an SMSC
//       does; cut the connection (reset it: RST) once the number of MOs answered ESME_ROK
//       reaches each `cut_at` (`reset_at`). Reports
//       stream_cut and stream_done (counts of deliveries, re-deliveries, cuts). While it runs,
//       the deliver_sm_resp PDUs are not echoed one by one.
//       "rate": N delivers at most N MOs a second (re-deliveries included), "burst" (10) at a
//       time, as fast as the window lets them go (no catching up after a time without a bind).
//       With "mos": [["from", "text"], …] instead of count/texts/from, it delivers exactly those
//       MOs (phones may repeat); "report_acks":true then prints {"event":"stream_ack","i":N} for
//       each MO (its index in "mos" or the count) the first time it is answered ESME_ROK, with
//       the "session" (connection) that answered it, "sent" and "acked": a counter of the
//       stream's deliveries and answers at the delivery answered and at its answer (an MO whose
//       "acked" is below another's "sent" was answered before that one was delivered).
//   "mo" takes "session":N: deliver it on that connection (numbered as "spread" reports them),
//       mo_resp with "error" when that one is not bound.
//   "mo" takes "redeliver":true: when the connection closes before its answer, the MO is
//       delivered again on the next bind (mo_resp then comes from the re-delivery, with
//       "redelivered": how many times); and "cut_on_resp":true: the connection is cut when the
//       answer to that deliver_sm arrives, before it is read (mo_cut is reported), and the MO
//       re-delivered.
//
// Message ids are hex ("1A2B…"), as many SMSCs write them in submit_sm_resp. Like many servers,
// node leaves Nagle on; SMSC_NODELAY=1 in the environment turns it off (for measurements).
// With SMSC_TLS_KEY and SMSC_TLS_CERT it speaks TLS.
'use strict';

const fs = require('fs');
const smpp = require('smpp');
const readline = require('readline');

const sessions = new Set();
let sessionCount = 0;
let spread = false;
let spreadNext = 0;
let nextId = 0x10000 + Math.floor(Math.random() * 0x1000);
let throttle = 0;
let moOnBind = null;
let silence = { submit_sm: false, enquire_link: false };
let receipts = { on: true, stat: 'DELIVRD', err: '000', delay: 0, id_format: 'same', tlv: false };
let refuseBind = 0;
let nack = { on: false, status: smpp.ESME_RINVCMDID };
let unbindAfterSubmit = null;
let dropAfter = 0;
let dropOnly = null;  // count only PDUs of this command (drop_after's "command")
let delays = { submit_sm: 0 };
let stream = null;
const redeliver = [];  // MOs ("mo" with cut_on_resp) whose answer was lost: sent on the next bind

// SMSC_TIMES=1 in the environment stamps every line with "at": when it was written, in ms since
// the epoch (the wall clock, for a bench that times arrivals).
const stampTimes = process.env.SMSC_TIMES === '1';

function emit(obj) {
  if (stampTimes) obj.at = performance.timeOrigin + performance.now();
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function hex(buffer) {
  return Buffer.isBuffer(buffer) ? buffer.toString('hex') : null;
}

function describe(pdu) {
  const out = { event: pdu.command, seq: pdu.sequence_number };
  for (const key of ['source_addr', 'source_addr_ton', 'source_addr_npi', 'destination_addr',
    'dest_addr_ton', 'dest_addr_npi', 'esm_class', 'data_coding', 'registered_delivery',
    'system_id', 'password', 'system_type', 'service_type']) {
    if (key in pdu) out[key] = pdu[key];
  }
  if (pdu.command_status) out.status = pdu.command_status;
  const payload = pdu.message_payload;
  if (payload !== undefined && payload !== null) {
    out.payload = typeof payload === 'string' ? payload : payload.message;
  }
  const sm = pdu.short_message;
  if (sm !== undefined && sm !== null) {
    if (typeof sm === 'string') {
      out.message = sm;
    } else if (Buffer.isBuffer(sm)) {
      out.message_hex = hex(sm);
    } else {
      out.message = sm.message;
      out.udh = (sm.udh || []).map(hex);
    }
  }
  return out;
}

// A PDU this session must not act on: the connection was cut, or the PDU was answered already.
function skip(session, pdu) {
  return session.dead || (pdu !== undefined && pdu.handled);
}

// Cut a connection: nothing it receives from now on is read. Soft: what the SMSC wrote is flushed
// and the connection ends (FIN); hard: it is reset (RST), unsent data lost.
function cut(session, hard) {
  if (session.dead) return;
  session.dead = true;
  session.pause();
  if (hard) {
    session.socket.resetAndDestroy();
  } else {
    session.socket.end();
    setTimeout(() => session.socket.destroy(), 2000).unref();
  }
}

function receiptFor(session, submit, messageId) {
  const now = new Date();
  const stamp = now.toISOString().replace(/[-T:]/g, '').slice(2, 12);
  let id = messageId;
  if (receipts.id_format === 'decimal') id = String(parseInt(messageId, 16));
  if (receipts.id_format === 'upper') id = ('0000' + messageId).toUpperCase();
  const text = `id:${id} sub:001 dlvrd:${receipts.stat === 'DELIVRD' ? '001' : '000'} ` +
    `submit date:${stamp} done date:${stamp} stat:${receipts.stat} err:${receipts.err} text:`;
  const options = {
    source_addr: submit.destination_addr,
    source_addr_ton: submit.dest_addr_ton,
    source_addr_npi: submit.dest_addr_npi,
    destination_addr: submit.source_addr,
    dest_addr_ton: submit.source_addr_ton,
    dest_addr_npi: submit.source_addr_npi,
    esm_class: 0x04,
    data_coding: 0x01,
    short_message: Buffer.from(text, 'ascii'),
  };
  if (receipts.tlv) {
    options.receipted_message_id = id;
    options.message_state = receipts.stat === 'DELIVRD' ? 2 : 5;
  }
  setTimeout(() => {
    if (session.dead) return;
    session.deliver_sm(options, (resp) => {
      if (session.dead) return;
      emit({ event: 'receipt_resp', message_id: messageId, status: resp.command_status });
    });
  }, receipts.delay);
}

function answerSubmit(session, pdu, record) {
  session.inflight -= 1;
  if (session.dead) return;
  if (throttle > 0) {
    throttle -= 1;
    record.status = smpp.ESME_RTHROTTLED;
    emit(record);
    session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
    return;
  }
  const messageId = (nextId++).toString(16).toUpperCase();
  record.message_id = messageId;
  record.status = 0;
  emit(record);
  session.send(pdu.response({ message_id: messageId }));
  if (receipts.on && pdu.registered_delivery & 0x01) receiptFor(session, pdu, messageId);
}

// SMSC_TLS_KEY and SMSC_TLS_CERT (PEM files) make it a TLS server.
const tls = process.env.SMSC_TLS_KEY
  ? { key: fs.readFileSync(process.env.SMSC_TLS_KEY), cert: fs.readFileSync(process.env.SMSC_TLS_CERT) }
  : {};
const server = smpp.createServer(tls, (session) => {
  sessions.add(session);
  sessionCount += 1;
  session.number = sessionCount;
  if (process.env.SMSC_NODELAY) session.socket.setNoDelay(true);
  session.bound = null;
  session.dead = false;
  session.inflight = 0;
  session.pending = new Map();  // sequence → delivery awaiting its deliver_sm_resp
  session.cutOn = new Set();  // sequences whose deliver_sm_resp cuts the connection
  emit({ event: 'connect' });
  session.on('pdu', (pdu) => {
    if (session.dead) return;
    if (dropAfter > 0 && (!dropOnly || pdu.command === dropOnly)) {
      dropAfter -= 1;
      if (dropAfter === 0) {
        emit({ event: 'dropped', after: pdu.command });
        session.dead = true;
        session.socket.destroy();
        return;
      }
    }
    if (pdu.command === 'deliver_sm_resp' && session.cutOn.has(pdu.sequence_number)) {
      emit({ event: 'mo_cut', id: (session.pending.get(pdu.sequence_number) || {}).id });
      cut(session, false);
      return;
    }
    if (nack.on && !pdu.isResponse()) {
      pdu.handled = true;
      emit({ event: 'nacked', command: pdu.command, seq: pdu.sequence_number });
      session.send(new smpp.PDU('generic_nack', {
        sequence_number: pdu.sequence_number, command_status: nack.status,
      }));
      return;
    }
    if (pdu.command === 'submit_sm') return;  // reported with its outcome
    if (pdu.command === 'deliver_sm_resp' && stream && stream.running) return;  // too many
    emit(describe(pdu));
  });
  for (const bind of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) {
    session.on(bind, (pdu) => {
      if (skip(session, pdu)) return;
      if (refuseBind) {
        emit({ event: 'bind_refused', status: refuseBind });
        session.send(pdu.response({ command_status: refuseBind }));
        return;
      }
      session.bound = bind;
      if (moOnBind) {
        // Both PDUs in one TCP write: the ESME reads them with one recv.
        const cmd = moOnBind;
        moOnBind = null;
        session.socket.cork();
        session.send(pdu.response({ system_id: 'node-smsc' }));
        mo(cmd);
        process.nextTick(() => session.socket.uncork());
        return;
      }
      session.send(pdu.response({ system_id: 'node-smsc' }));
      if (bind !== 'bind_transmitter') {
        redeliver.splice(0).forEach((item) => deliver(item));
        pump();
      }
    });
  }
  session.on('enquire_link', (pdu) => {
    if (skip(session, pdu)) return;
    if (!silence.enquire_link) session.send(pdu.response());
  });
  session.on('unbind', (pdu) => {
    if (skip(session, pdu)) return;
    session.send(pdu.response());
    session.close();
  });
  session.on('submit_sm', (pdu) => {
    if (skip(session, pdu)) return;
    const record = describe(pdu);
    session.inflight += 1;
    record.inflight = session.inflight;
    if (silence.submit_sm) {
      record.status = null;
      emit(record);
      return;
    }
    if (unbindAfterSubmit) {
      const answer = unbindAfterSubmit.answer;
      unbindAfterSubmit = null;
      if (answer) {
        answerSubmit(session, pdu, record);
      } else {
        record.status = null;
        emit(record);
      }
      session.unbind();
      emit({ event: 'unbind_sent' });
      return;
    }
    if (delays.submit_sm > 0) {
      setTimeout(() => answerSubmit(session, pdu, record), delays.submit_sm);
    } else {
      answerSubmit(session, pdu, record);
    }
  });
  session.on('close', () => {
    sessions.delete(session);
    // Every delivery left without an answer is delivered again, as an SMSC does.
    for (const item of session.pending.values()) {
      if (item.stream) {
        stream.inflight -= 1;
        stream.queue.unshift(item);
      } else if (item.redeliver) {
        redeliver.push(item);
      }
    }
    session.pending.clear();
    emit({ event: 'close' });
    if (receivers()[0]) {
      redeliver.splice(0).forEach((item) => deliver(item));
      pump();
    }
  });
  session.on('error', (err) => emit({ event: 'error', error: String(err) }));
});

function receivers() {
  return [...sessions].filter((s) => !s.dead &&
    (s.bound === 'bind_transceiver' || s.bound === 'bind_receiver'));
}

function moPdu(cmd) {
  const options = {
    source_addr: cmd.from,
    source_addr_ton: cmd.source_addr_ton === undefined ? 1 : cmd.source_addr_ton,
    source_addr_npi: 1,
    destination_addr: cmd.to,
    dest_addr_ton: cmd.dest_addr_ton === undefined ? 0 : cmd.dest_addr_ton,
    dest_addr_npi: 0,
    esm_class: cmd.esm_class || 0,
    data_coding: cmd.data_coding === undefined ? 0 : cmd.data_coding,
  };
  if (cmd.short_message !== undefined) {
    options.short_message = Buffer.from(cmd.short_message, 'hex');
  } else if (cmd.udh) {
    options.short_message = { udh: Buffer.from(cmd.udh, 'hex'), message: cmd.text };
  } else {
    options.short_message = cmd.text;
  }
  const pdu = new smpp.PDU('deliver_sm', options);
  for (const [tag, value] of Object.entries(cmd.tlvs || {})) {
    // Raw TLVs by id (known or not): node-smpp writes the ones in its table, so add each.
    const name = 'raw_' + tag;
    if (!(name in smpp.tlvs)) smpp.addTLV(name, { id: parseInt(tag, 16), type: smpp.types.tlv.buffer });
    pdu[name] = Buffer.from(value, 'hex');
  }
  return pdu;
}

// Send one delivery ({cmd, onResp, redeliver, stream}) on the bound receiver; false if none.
function deliver(item) {
  const bound = receivers();
  let session = spread && bound.length ? bound[spreadNext++ % bound.length] : bound[0];
  if (item.cmd.session !== undefined) session = bound.find((s) => s.number === item.cmd.session);
  if (!session) {
    if (item.redeliver) redeliver.push(item);
    return false;
  }
  const pdu = moPdu(item.cmd);
  const sent = session.send(pdu, (resp) => {
    if (session.dead) return;
    session.pending.delete(pdu.sequence_number);
    item.onResp(resp.command_status);
  });
  if (!sent) {
    if (item.stream) stream.queue.unshift(item);
    else if (item.redeliver) redeliver.push(item);
    return false;
  }
  item.session = session.number;
  item.redelivered = item.sends ? item.redelivered + 1 : 0;
  item.sends = (item.sends || 0) + 1;
  session.pending.set(pdu.sequence_number, item);
  if (item.cutOnResp) {
    item.cutOnResp = false;
    session.cutOn.add(pdu.sequence_number);
  }
  return true;
}

function mo(cmd) {
  const item = {
    cmd,
    id: cmd.id,
    redeliver: !!(cmd.redeliver || cmd.cut_on_resp),
    cutOnResp: !!cmd.cut_on_resp,
    onResp: (status) => emit({ event: 'mo_resp', id: cmd.id, status, redelivered: item.redelivered || 0,
      ...(spread ? { session: item.session } : {}) }),
  };
  if (!receivers()[0] && !item.redeliver) {
    emit({ event: 'mo_resp', id: cmd.id, error: 'no receiver bound' });
    return;
  }
  if (!deliver(item) && cmd.session !== undefined && !item.redeliver) {
    emit({ event: 'mo_resp', id: cmd.id, error: 'session ' + cmd.session + ' not bound' });
  }
}

function startStream(cmd) {
  const texts = cmd.texts || ['HOURS'];
  const base = Number(cmd.from || 33700000000);
  stream = {
    running: true, queue: [], inflight: 0, window: cmd.window || 100, acked: 0, sent: 0,
    redelivered: 0, refused: 0, cuts: 0, count: cmd.count, started: Date.now(),
    cutAt: (cmd.cut_at || []).map((at) => ({ at, hard: false }))
      .concat((cmd.reset_at || []).map((at) => ({ at, hard: true })))
      .sort((a, b) => a.at - b.at),
  };
  const listed = cmd.mos || null;
  if (listed) stream.count = listed.length;
  stream.reportAcks = !!cmd.report_acks;
  stream.clock = 0;  // counts deliveries and answers: orders one MO's answer and another's delivery
  stream.rate = cmd.rate || 0;
  stream.burst = cmd.burst || 10;
  stream.tokens = stream.burst;
  stream.refilled = Date.now();
  stream.waiting = false;
  for (let i = 0; i < stream.count; i += 1) {
    const [from, text] = listed ? listed[i] : [String(base + i), texts[i % texts.length]];
    const item = { cmd: { from, to: cmd.to || '36111', text }, redeliver: true, stream: true, index: i };
    item.onResp = (status) => streamResp(item, status);
    stream.queue.push(item);
  }
  pump();
}

function streamResp(item, status) {
  stream.inflight -= 1;
  if (status === 0) {
    if (item.acked) {  // answered again after a re-delivery: counted once
      pump();
      return;
    }
    item.acked = true;
    stream.acked += 1;
    if (stream.reportAcks) {
      emit({ event: 'stream_ack', i: item.index, session: item.session, sent: item.sentAt,
        acked: ++stream.clock });
    }
    if (stream.cutAt.length && stream.acked >= stream.cutAt[0].at) {
      const { hard } = stream.cutAt.shift();
      stream.cuts += 1;
      const session = receivers()[0];
      emit({
        event: 'stream_cut', acked: stream.acked, unanswered: stream.inflight, hard, t: Date.now(),
      });
      if (session) cut(session, hard);
    }
  } else {
    stream.refused += 1;
    setTimeout(() => { stream.queue.push(item); pump(); }, 50);
  }
  if (stream.acked === stream.count) {
    stream.running = false;
    emit({
      event: 'stream_done', acked: stream.acked, sent: stream.sent, redelivered: stream.redelivered,
      refused: stream.refused, cuts: stream.cuts, ms: Date.now() - stream.started,
    });
    return;
  }
  pump();
}

// Tokens for a stream with a "rate": `burst` of them every burst / rate seconds, not kept from
// one period to the next (no catching up after a time without a bind).
function takeToken() {
  if (!stream.rate) return true;
  const now = Date.now();
  const period = stream.burst * 1000 / stream.rate;
  if (now - stream.refilled >= period) {
    stream.tokens = stream.burst;
    stream.refilled = now;
  }
  if (stream.tokens >= 1) {
    stream.tokens -= 1;
    return true;
  }
  if (!stream.waiting) {
    stream.waiting = true;
    const wait = Math.max(1, Math.ceil(stream.refilled + period - now));
    setTimeout(() => { stream.waiting = false; pump(); }, wait);
  }
  return false;
}

function pump() {
  if (!stream || !stream.running) return;
  while (stream.inflight < stream.window && stream.queue.length) {
    const item = stream.queue[0];
    if (!receivers()[0]) return;
    if (!takeToken()) return;
    stream.queue.shift();
    if (!deliver(item)) return;
    stream.inflight += 1;
    stream.sent += 1;
    item.sentAt = ++stream.clock;
    if (item.sends > 1) stream.redelivered += 1;
  }
}

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
  if (cmd.cmd === 'mo') mo(cmd);
  else if (cmd.cmd === 'spread') spread = cmd.on !== false;
  else if (cmd.cmd === 'receipts') receipts = Object.assign(receipts, cmd);
  else if (cmd.cmd === 'throttle') throttle = cmd.count || 0;
  else if (cmd.cmd === 'mo_on_bind') moOnBind = cmd;
  else if (cmd.cmd === 'silence') silence = Object.assign(silence, cmd);
  else if (cmd.cmd === 'refuse_bind') refuseBind = cmd.status || 0;
  else if (cmd.cmd === 'nack') nack = { on: !!cmd.on, status: cmd.status === undefined ? smpp.ESME_RINVCMDID : cmd.status };
  else if (cmd.cmd === 'unbind_after_submit') unbindAfterSubmit = { answer: cmd.answer !== false };
  else if (cmd.cmd === 'drop_after') {
    dropAfter = cmd.count || 0;
    dropOnly = cmd.command || null;
  }
  else if (cmd.cmd === 'delay') delays = Object.assign(delays, cmd);
  else if (cmd.cmd === 'stream') startStream(cmd);
  else if (cmd.cmd === 'raw') {
    for (const session of sessions) if (!session.dead) session.socket.write(Buffer.from(cmd.hex, 'hex'));
    emit({ event: 'raw_sent' });
  } else if (cmd.cmd === 'cut') {
    for (const session of sessions) cut(session, !!cmd.hard);
    emit({ event: 'cut' });
  } else if (cmd.cmd === 'drop') {
    for (const session of sessions) session.socket.destroy();
    emit({ event: 'dropped' });
  } else if (cmd.cmd === 'unbind') {
    for (const session of sessions) session.unbind();
  } else if (cmd.cmd === 'quit') {
    for (const session of sessions) session.socket.destroy();
    server.close(() => process.exit(0));
  } else emit({ event: 'error', error: 'unknown command ' + cmd.cmd });
});
lines.on('close', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  emit({ event: 'listening', port: server.address().port });
});
