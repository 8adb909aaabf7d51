// The field tree (dissect) against tshark's dissection of the same capture: every field the
// tree names with a Wireshark filter must have tshark's bytes at tshark's offset in its message,
// in clear and in the records dissect decrypts itself from the key log (TLS 1.3 with AES-GCM
// and ChaCha20-Poly1305, TLS 1.2 with AES-GCM).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { COMPATIBILITY_SESSION_ID, createSandbox, dissect, VARIANTS, type DissectedRecord, type Field, type Sandbox } from '../src/index.js';
import { findField } from '../src/trace/dissect.js';
import { hex } from '../src/core/bytes.js';

const run = promisify(execFile);

/** One field as both sides give it: filter name, bytes (hex), offset from the start of its message, length. */
type Flat = [filter: string, bytes: string, offset: number, length: number];
/** A handshake message or alert: its own bytes and its fields. */
interface Unit { filter: string; fields: Flat[] }

const byPlace = (a: Flat, b: Flat) => a[2] - b[2] || a[0].localeCompare(b[0]) || a[3] - b[3];
const UNITS = ['tls.handshake', 'tls.alert_message'];

/** tshark's JSON with raw bytes (-x): a field `f` has `f_raw` = [hex, position, length, …]; repeated keys are arrays. */
function tsharkUnits(frames: any[]): { records: Flat[][]; units: Unit[] } {
  const records: Flat[][] = [];
  const units: Unit[] = [];
  const each = (value: unknown) => (Array.isArray(value) ? value : [value]);
  const raws = (raw: unknown): [string, number, number][] => (Array.isArray(raw) && Array.isArray(raw[0]) ? raw : [raw]) as never;
  const flatten = (object: Record<string, unknown>, base: number, into: Flat[]) => {
    for (const [key, value] of Object.entries(object)) {
      if (key.endsWith('_raw')) continue;
      const raw = object[`${key}_raw`];
      const values = each(value);
      const positions = raw === undefined ? [] : raws(raw);
      values.forEach((v, i) => {
        const r = positions[i];
        if (r && r[2] > 0) into.push([key, r[0], r[1] - base, r[2]]);
        if (v && typeof v === 'object') flatten(v as Record<string, unknown>, base, into);
      });
    }
  };
  for (const frame of frames) {
    for (const tls of each(frame._source.layers.tls)) {
      if (!tls || typeof tls !== 'object') continue;
      for (const [i, record] of each(tls['tls.record']).entries()) {
        const rawRecord = raws(tls['tls.record_raw'])[i];
        const layer: Flat[] = [];
        for (const key of ['tls.record.opaque_type', 'tls.record.content_type', 'tls.record.version', 'tls.record.length']) {
          const r = record[`${key}_raw`];
          // An opened TLS 1.3 record names its inner type content_type, at the opaque type's byte.
          if (r && !(key === 'tls.record.content_type' && record['tls.record.opaque_type'])) layer.push([key, r[0], r[1] - rawRecord[1], r[2]]);
        }
        records.push(layer.sort(byPlace));
        for (const filter of UNITS) {
          each(record[filter]).forEach((unit, j) => {
            if (!unit) return;
            const [bytes, position, length] = raws(record[`${filter}_raw`])[j];
            const fields: Flat[] = [[filter, bytes, 0, length]];
            flatten(unit, position, fields);
            units.push({ filter, fields });
          });
        }
      }
    }
  }
  return { records, units };
}

/** The same from dissect's trees. */
function ourUnits(dissected: DissectedRecord[]): { records: Flat[][]; units: Unit[]; filters: Set<string> } {
  const records: Flat[][] = [];
  const units: Unit[] = [];
  const filters = new Set<string>();
  const flatten = (fields: Field[], bytes: Uint8Array, base: number, into: Flat[]) => {
    for (const f of fields) {
      if (f.filter && f.end > f.start) {
        into.push([f.filter, hex(bytes.subarray(f.start, f.end)), f.start - base, f.end - f.start]);
        filters.add(f.filter);
      }
      flatten(f.children ?? [], bytes, base, into);
    }
  };
  const collect = (fields: Field[], bytes: Uint8Array) => {
    for (const f of fields) {
      if (UNITS.includes(f.filter ?? '')) {
        const flat: Flat[] = [];
        flatten([f], bytes, f.start, flat);
        units.push({ filter: f.filter!, fields: flat });
      } else collect(f.children ?? [], bytes);
    }
  };
  for (const record of dissected) {
    const layer = record.fields[0].children!.filter((f) => f.filter?.startsWith('tls.record.'));
    records.push(layer.map((f): Flat => [f.filter!, hex(record.bytes.subarray(f.start, f.end)), f.start, f.end - f.start]).sort(byPlace));
    collect(record.fields, record.bytes);
    if (record.decrypted) collect(record.decrypted.fields, record.decrypted.bytes);
  }
  return { records, units, filters };
}

for (const variant of VARIANTS) {
  describe(`the field tree matches tshark's dissection [OpenSSL ${variant}]`, () => {
    let sb: Sandbox;
    let dir: string;
    const cases: { name: string; connection: string; file: string; records: DissectedRecord[] }[] = [];

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'osb-dissect-'));
      sb = await createSandbox({ openssl: variant, worker: false });
      const client = await sb.context({ role: 'client' });
      const server13 = await sb.context({ role: 'server' });
      const server12 = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2' });
      const byId = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
      const chacha = await sb.context({ role: 'server', ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256', cipherList: 'ECDHE-ECDSA-CHACHA20-POLY1305' });
      const full13 = await sb.handshake({ client, server: server13 });
      const resumed13 = await sb.handshake({ client, server: server13, session: full13.session });
      const full12 = await sb.handshake({ client, server: server12 });
      const resumed12 = await sb.handshake({ client, server: server12, session: full12.session });
      const chacha13 = await sb.handshake({ client, server: chacha });
      // A server that wants a group the client offered but sent no key share for: HelloRetryRequest.
      const retry = await sb.context({ role: 'server', groups: 'secp384r1' });
      const hrr13 = await sb.handshake({ client, server: retry });
      const fullById = await sb.handshake({ client, server: byId });
      const resumedById = await sb.handshake({ client, server: byId, session: fullById.session });
      assert.equal(resumed13.reused.server, true);
      assert.equal(resumed12.reused.server, true);
      assert.equal(resumedById.reused.server, true);
      for (const [name, hs] of Object.entries({ full13, resumed13, full12, resumed12, chacha13, hrr13, fullById, resumedById })) {
        const file = join(dir, `${name}.pcapng`);
        const { pcapng, keylog } = await sb.capture(hs.connection);
        await writeFile(file, pcapng);
        cases.push({ name, connection: hs.connection, file, records: await dissect(await sb.transcript(hs.connection), keylog) });
      }
    });

    after(async () => {
      await sb?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('every record decrypts that tshark decrypts: none left encrypted, each message type in order', async () => {
      for (const c of cases) {
        assert.deepEqual(c.records.filter((r) => r.encrypted).map((r) => `${r.number}: ${r.encrypted}`), [], c.name);
        const { stdout } = await run('tshark', ['-r', c.file, '-Y', 'tls.handshake', '-T', 'fields', '-e', 'tls.handshake.type'], { timeout: 60_000 });
        const theirs = stdout.split('\n').filter(Boolean).flatMap((l) => l.split(',')).map(Number);
        const ours = c.records.flatMap((r) => [...types(r.fields, r.bytes), ...(r.decrypted ? types(r.decrypted.fields, r.decrypted.bytes) : [])]);
        assert.deepEqual(ours, theirs, c.name);
      }
      const retried = cases.find((c) => c.name === 'hrr13')!.records.flatMap((r) => r.messages.map((m) => m.type));
      assert.deepEqual(retried.slice(0, 4), ['ClientHello', 'HelloRetryRequest', 'ClientHello', 'ServerHello'], retried.join(', '));
    });

    it('record headers, and every named field of every handshake message and alert: the same bytes at the same offsets', async () => {
      const covered = new Set<string>();
      for (const c of cases) {
        const { stdout } = await run('tshark', ['-r', c.file, '-Y', 'tls', '-T', 'json', '-x', '-O', 'tls', '--no-duplicate-keys'], { timeout: 60_000, maxBuffer: 64 << 20 });
        const theirs = tsharkUnits(JSON.parse(stdout));
        const ours = ourUnits(c.records);
        assert.deepEqual(ours.records, theirs.records, `${c.name}: record headers`);
        assert.equal(ours.units.length, theirs.units.length, `${c.name}: messages and alerts`);
        for (const [i, unit] of ours.units.entries()) {
          const mine = unit.fields.sort(byPlace);
          const wanted = theirs.units[i].fields.filter((f) => ours.filters.has(f[0])).sort(byPlace);
          assert.deepEqual(mine, wanted, `${c.name}: message ${i + 1} (${unit.filter})`);
        }
        for (const filter of ours.filters) covered.add(filter);
      }
      // Enough of tshark's tree is covered for the comparison to mean something.
      for (const filter of ['tls.handshake.session_id', 'tls.handshake.extensions.supported_version', 'tls.handshake.extensions_key_share_group',
        'tls.handshake.extensions.psk.identity.identity', 'tls.handshake.session_ticket', 'tls.handshake.session_ticket_age_add',
        'tls.handshake.certificate', 'tls.handshake.client_cert_vrfy.sig', 'tls.handshake.verify_data', 'tls.alert_message.desc',
        'tls.handshake.extensions_key_share_selected_group']) {
        assert.ok(covered.has(filter), filter);
      }
    });

    it('labels the client\'s random compatibility session id, and only that', () => {
      const note = (name: string) => findField(cases.find((c) => c.name === name)!.records[0].fields, 'tls.handshake.session_id')?.note;
      // A TLS 1.3-capable client makes one up for a full handshake and for a TLS 1.3 resumption, even to a TLS 1.2 server.
      for (const name of ['full13', 'resumed13', 'full12', 'chacha13', 'hrr13', 'fullById']) assert.equal(note(name), COMPATIBILITY_SESSION_ID, name);
      // The id of a TLS 1.2 session offered with its ticket, or by id and resumed, is the session's.
      for (const name of ['resumed12', 'resumedById']) assert.equal(note(name), undefined, name);
    });

    it('a record changed by one bit stays encrypted, saying why; without the key log nothing is decrypted', async () => {
      const full = cases.find((c) => c.name === 'full13')!;
      const transcript = await sb.transcript(full.connection);
      const target = full.records.find((r) => r.decrypted)!;
      const flipped = transcript.map((chunk) => ({ ...chunk, bytes: chunk.bytes.slice() }));
      flipped[target.flight].bytes[flipped[target.flight].bytes.length - 1] ^= 1;
      const records = await dissect(flipped, await sb.keylog(full.connection));
      assert.match(records.find((r) => r.flight === target.flight && r.encrypted)?.encrypted ?? '', /does not authenticate/);
      const keyless = await dissect(transcript);
      assert.deepEqual(keyless.filter((r) => r.decrypted), []);
      assert.match(keyless.find((r) => r.number === target.number)!.encrypted!, /key log has no SERVER_HANDSHAKE_TRAFFIC_SECRET/);
    });
  });
}

/** The handshake types of the messages in a tree, in order. */
function types(fields: Field[], bytes: Uint8Array): number[] {
  return fields.flatMap((f) => (f.filter === 'tls.handshake' ? [bytes[f.start]] : types(f.children ?? [], bytes)));
}
