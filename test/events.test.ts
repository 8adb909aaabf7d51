// The event log's storage: compact rows (expanded when read) and logged objects, in order,
// numbered, bounded by the limit with seq numbers that keep counting, inside and outside calls.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventLog, type Expander, type SandboxEvent } from '../src/sandbox/events.js';

/** A state event as a compact row: the side's name in `ref`, the state's words in `aux`, a number in `a`. */
const state: Expander = (ref, aux, a) => ({ kind: 'state', connection: String(ref), side: 'client', state: `${aux} ${a}`, c: `/* ${ref}: ${aux} ${a} */` });
const clock = (now: number) => ({ kind: 'clock' as const, now, c: `/* now ${now} */` });

describe('EventLog', () => {
  test('compact rows read back as the events they stand for, between logged objects, inside and outside calls', () => {
    const log = new EventLog();
    const heard: SandboxEvent[] = [];
    log.subscribe((e) => heard.push(e));
    log.addRow('conn_1', 'before', state, 1, 0, 0, 0);
    log.add(clock(5));
    log.call('SSL_do_handshake', ['conn_1_client'], () => {
      log.addRow('conn_1', 'inside', state, 2, 0, 0, 0);
      log.add(clock(6));
      return 1;
    });
    const events = log.since();
    assert.deepEqual(events, [
      { kind: 'state', connection: 'conn_1', side: 'client', state: 'before 1', c: '/* conn_1: before 1 */', seq: 1 },
      { kind: 'clock', now: 5, c: '/* now 5 */', seq: 2 },
      { kind: 'call', call: 'SSL_do_handshake', args: ['conn_1_client'], result: 1, c: 'SSL_do_handshake(conn_1_client) = 1', seq: 3 },
      { kind: 'state', connection: 'conn_1', side: 'client', state: 'inside 2', c: '/* conn_1: inside 2 */', during: 3, seq: 4 },
      { kind: 'clock', now: 6, c: '/* now 6 */', during: 3, seq: 5 },
    ]);
    assert.deepEqual(heard, events, 'listeners hear each event as it is logged, the same as it reads later');
    assert.deepEqual(log.since(3), events.slice(3));
    assert.deepEqual(log.since(2.5), events.slice(2), 'a fractional mark reads as the events after it');
    assert.equal(log.count, 5);
  });

  test('past the limit, the oldest events go (down to 90% of it) and seq numbers keep counting, across many wraps of its columns', () => {
    const limit = 1500; // more than the columns' first size: they grow, then wrap
    const log = new EventLog(limit);
    const total = 10_000;
    for (let i = 1; i <= total; i++) {
      if (i % 3) log.addRow('conn', 'row', state, i, 0, 0, 0);
      else log.add(clock(i));
    }
    assert.equal(log.count, total);
    const kept = log.since();
    assert.ok(kept.length <= limit && kept.length >= Math.floor(limit * 0.9), `${kept.length} kept`);
    kept.forEach((event, i) => {
      const seq = total - kept.length + 1 + i;
      assert.equal(event.seq, seq);
      assert.deepEqual(event, seq % 3 ? { ...state('conn', 'row', seq, 0, 0, 0), seq } : { ...clock(seq), seq });
    });
    assert.deepEqual(log.since(total - 2).map((e) => e.seq), [total - 1, total]);
    assert.deepEqual(log.since(total), []);
  });

  test('keeps 100,000 events by default', () => {
    const log = new EventLog();
    for (let i = 1; i <= 100_000; i++) log.addRow('conn', 'row', state, i, 0, 0, 0);
    assert.equal(log.since().length, 100_000);
    assert.equal(log.since(99_999)[0].seq, 100_000);
    log.add(clock(1));
    assert.equal(log.since().length, 90_000, 'one more: the oldest 10,001 go');
    assert.equal(log.since()[0].seq, 10_002);
  });
});
