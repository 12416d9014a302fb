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
//   {"cmd":"quit"}                            close and exit
//
// Message ids are hex ("1A2B…"), as many SMSCs write them in submit_sm_resp. Like many servers,
// node leaves Nagle on; SMSC_NODELAY=1 in the environment turns it off (for measurements).
// With SMSC_TLS_KEY and SMSC_TLS_CERT it speaks TLS.
'use strict';

const fs = require('fs');
const smpp = require('smpp');
const readline = require('readline');

const sessions = new Set();
let nextId = 0x10000 + Math.floor(Math.random() * 0x1000);
let throttle = 0;
let moOnBind = null;
let silence = { submit_sm: false, enquire_link: false };
let receipts = { on: true, stat: 'DELIVRD', err: '000', delay: 0, id_format: 'same', tlv: false };

function emit(obj) {
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
    session.deliver_sm(options, (resp) => {
      emit({ event: 'receipt_resp', message_id: messageId, status: resp.command_status });
    });
  }, receipts.delay);
}

// SMSC_TLS_KEY and SMSC_TLS_CERT (PEM files) make it a TLS server.
const tls = process.env.SMSC_TLS_KEY
  ? { key: fs.readFileSync(process.env.SMSC_TLS_KEY), cert: fs.readFileSync(process.env.SMSC_TLS_CERT) }
  : {};
const server = smpp.createServer(tls, (session) => {
  sessions.add(session);
  if (process.env.SMSC_NODELAY) session.socket.setNoDelay(true);
  session.bound = null;
  emit({ event: 'connect' });
  session.on('pdu', (pdu) => {
    if (pdu.command !== 'submit_sm') emit(describe(pdu));
  });
  for (const bind of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) {
    session.on(bind, (pdu) => {
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
    });
  }
  session.on('enquire_link', (pdu) => {
    if (!silence.enquire_link) session.send(pdu.response());
  });
  session.on('unbind', (pdu) => {
    session.send(pdu.response());
    session.close();
  });
  session.on('submit_sm', (pdu) => {
    const record = describe(pdu);
    if (silence.submit_sm) {
      record.status = null;
      emit(record);
      return;
    }
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
  });
  session.on('close', () => {
    sessions.delete(session);
    emit({ event: 'close' });
  });
  session.on('error', (err) => emit({ event: 'error', error: String(err) }));
});

function receivers() {
  return [...sessions].filter((s) => s.bound === 'bind_transceiver' || s.bound === 'bind_receiver');
}

function mo(cmd) {
  const session = receivers()[0];
  if (!session) {
    emit({ event: 'mo_resp', id: cmd.id, error: 'no receiver bound' });
    return;
  }
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
  session.send(pdu, (resp) => {
    emit({ event: 'mo_resp', id: cmd.id, status: resp.command_status });
  });
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
  else if (cmd.cmd === 'receipts') receipts = Object.assign(receipts, cmd);
  else if (cmd.cmd === 'throttle') throttle = cmd.count || 0;
  else if (cmd.cmd === 'mo_on_bind') moOnBind = cmd;
  else if (cmd.cmd === 'silence') silence = Object.assign(silence, cmd);
  else if (cmd.cmd === 'drop') {
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
