// js/envelope.js: the one JS framing and parsing of Sentry envelopes (the SDK re-frames after
// beforeSend, the JS fallback core frames, the collector parses). Text and bytes parse alike,
// lengths are UTF-8 bytes, malformed envelopes are errors with a reason, and the WASM core's
// envelopes parse to what it framed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameEnvelope, parseEnvelope, utf8Length, EnvelopeError } from '../../js/envelope.js';
import { loadCore } from '../../js/core-node.js';

const both = (text) => [parseEnvelope(text), parseEnvelope(Buffer.from(text, 'utf8'))];
const payloads = (env) => env.items.map((i) => (typeof i.payload == 'string' ? i.payload : Buffer.from(i.payload).toString('utf8')));

test('utf8Length counts bytes as TextEncoder does, lone surrogates included', () => {
  for (const s of ['', 'ascii', 'é', '€', '😀', 'a\u{10FFFF}b', '\ud800', 'x\udc00y', 'mixed é€😀 text']) {
    assert.equal(utf8Length(s), new TextEncoder().encode(s).length, JSON.stringify(s));
  }
});

test('framed envelopes parse back to their items, from text and from bytes', () => {
  const items = [
    { type: 'event', content_type: 'application/json', payload: JSON.stringify({ message: 'multi-byte: é € 😀\nnot a line break in JSON' }) },
    { type: 'client_report', payload: '{"discarded_events":[]}' },
    { type: 'attachment', payload: 'a line\nand another\n' },  // a payload may hold newlines: the length frames it
  ];
  const text = frameEnvelope('{"event_id":"0123456789abcdef0123456789abcdef"}', items);
  for (const env of both(text)) {
    assert.equal(env.header.event_id, '0123456789abcdef0123456789abcdef');
    assert.deepEqual(env.items.map((i) => i.header.type), ['event', 'client_report', 'attachment']);
    assert.deepEqual(payloads(env), items.map((i) => i.payload));
    for (const [k, it] of env.items.entries()) assert.equal(it.header.length, utf8Length(items[k].payload));
  }
});

test('items without a length run to the next newline; an empty header line is an empty header', () => {
  for (const env of both('\n{"type":"event"}\n{"a":1}\n{"type":"session"}\n{"b":2}')) {
    assert.deepEqual(env.header, {});
    assert.deepEqual(payloads(env), ['{"a":1}', '{"b":2}']);
  }
});

test('malformed envelopes are EnvelopeErrors with a reason, alike for text and bytes', () => {
  const cases = [
    ['not json\n', 'envelope header is not valid JSON'],
    ['[1]\n', 'envelope header is not an object'],
    ['{}\nnot json\n{}', 'item header is not valid JSON'],
    ['{}\n{"length":2}\n{}', 'item header needs a type'],
    ['{}\n{"type":"event","length":50}\n{"short":1}', 'item length runs past the end'],
    ['{}\n{"type":"event","length":1}\n€', 'item length ends inside a character'],
  ];
  for (const [text, msg] of cases) {
    assert.throws(() => parseEnvelope(text), (e) => e instanceof EnvelopeError && e.reason == 'malformed_envelope' && e.message.includes(msg), text);
    if (!msg.includes('inside a character')) {  // bytes have no characters to end inside
      assert.throws(() => parseEnvelope(Buffer.from(text)), (e) => e instanceof EnvelopeError && e.message.includes(msg), text);
    }
  }
  const many = '{}\n' + '{"type":"x","length":0}\n\n'.repeat(12);
  assert.throws(() => parseEnvelope(many, JSON.parse, 10), (e) => e.reason == 'too_many_items');
});

test('the WASM core\'s envelopes parse to the events it framed', async () => {
  const mod = await loadCore();
  const core = new mod.Core(JSON.stringify({ dsn: 'http://k@127.0.0.1:9/1', aggregation: { windowMs: 0 } }));
  for (const v of ['plain', 'multi-byte é € 😀', 'a\nnewline']) core.capture(JSON.stringify({ message: v }));
  const out = JSON.parse(core.drain(Date.now(), true, 3));
  const seen = [];
  for (const e of out.envelopes) {
    for (const env of both(e.body)) {
      assert.equal(env.header.dsn, 'http://k@127.0.0.1:9/1');
      for (const p of payloads(env)) seen.push(JSON.parse(p));
    }
  }
  const msgs = seen.map((ev) => ev.message ?? ev.logentry?.formatted);
  for (const v of ['plain', 'multi-byte é € 😀', 'a\nnewline']) assert.equal(msgs.filter((m) => m === v).length, 2, v);  // once from text, once from bytes
  core.delete();
});
