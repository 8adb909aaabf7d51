// Captures (pcapng) read back by tshark: the synthetic TCP stream parses cleanly, TLS 1.3 stays
// opaque without the key log and decrypts with the embedded one, TLS 1.2 shows its
// certificate in clear, and the same transcript always gives the same bytes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSandbox, toPcapng, VARIANTS, type Sandbox } from '../src/index.js';

const run = promisify(execFile);
const HS = { ClientHello: 1, ServerHello: 2, NewSessionTicket: 4, EncryptedExtensions: 8, Certificate: 11, CertificateVerify: 15, Finished: 20 } as const;

/** tshark, or a failure that says how to get it: a missing tool must not pass silently. */
let tsharkChecked: Promise<void> | undefined;
function requireTshark(): Promise<void> {
  tsharkChecked ??= run('tshark', ['--version'], { timeout: 30_000 }).then(() => {}, (error: NodeJS.ErrnoException) => {
    throw new Error(`tshark is needed for the capture tests (${error.code ?? error.message}): run \`node scripts/setup.mjs --tshark\``);
  });
  return tsharkChecked;
}

/** Runs tshark on `file`; fails on a non-zero exit or on any complaint besides the running-as-root notice. */
async function tshark(file: string, ...args: string[]): Promise<string[]> {
  await requireTshark();
  const { stdout, stderr } = await run('tshark', ['-r', file, ...args], { timeout: 60_000, maxBuffer: 16 << 20 });
  const complaints = stderr.split('\n').filter((l) => l.trim() && !/Running as user "root"|This could be dangerous/.test(l));
  assert.deepEqual(complaints, [], `tshark complained about ${file}`);
  return stdout.split('\n').filter((l) => l.trim() !== '');
}

/** The handshake message types tshark sees, in order (a frame's several messages are comma-separated). */
async function handshakeTypes(file: string): Promise<number[]> {
  const lines = await tshark(file, '-Y', 'tls.handshake', '-T', 'fields', '-e', 'tls.handshake.type');
  return lines.flatMap((l) => l.split(',')).map(Number);
}

interface Case {
  name: string;
  /** Capture with the key log embedded (Sandbox.capture). */
  withKeys: string;
  /** The same transcript without a Decryption Secrets Block. */
  withoutKeys: string;
}

for (const variant of VARIANTS) {
  describe(`pcapng captures read by tshark [OpenSSL ${variant}]`, () => {
    let sb: Sandbox;
    let dir: string;
    const cases: Record<'full13' | 'resumed13' | 'full12', Case> = {} as never;
    const connections: Record<string, string> = {};

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'osb-capture-'));
      sb = await createSandbox({ openssl: variant, worker: false });
      const client = await sb.context({ role: 'client' });
      const server13 = await sb.context({ role: 'server' });
      const server12 = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2' });
      const full13 = await sb.handshake({ client, server: server13 });
      const resumed13 = await sb.handshake({ client, server: server13, session: full13.session });
      const full12 = await sb.handshake({ client, server: server12 });
      assert.equal(full13.version, 'TLSv1.3');
      assert.equal(resumed13.reused.server, true, 'the second TLS 1.3 handshake resumed');
      assert.equal(full12.version, 'TLSv1.2');
      for (const [name, hs] of Object.entries({ full13, resumed13, full12 })) {
        connections[name] = hs.connection;
        const { pcapng } = await sb.capture(hs.connection);
        const withKeys = join(dir, `${name}.pcapng`);
        const withoutKeys = join(dir, `${name}-nokeys.pcapng`);
        await writeFile(withKeys, pcapng);
        await writeFile(withoutKeys, toPcapng(await sb.transcript(hs.connection)));
        cases[name as keyof typeof cases] = { name, withKeys, withoutKeys };
      }
    });

    after(async () => {
      await sb?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('tshark reads each capture: one TCP stream carrying TLS, checksums good, no TCP analysis warnings', async () => {
      for (const c of Object.values(cases)) {
        for (const file of [c.withKeys, c.withoutKeys]) {
          const frames = await tshark(file, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE',
            '-T', 'fields', '-E', 'separator=/t', '-e', 'tcp.stream', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'frame.protocols');
          assert.ok(frames.length >= 8, `${c.name}: handshake, data and FIN frames`);
          for (const frame of frames) {
            const [stream, ipStatus, tcpStatus] = frame.split('\t');
            // Status 1 is "Good" (0 bad, 2 unverified).
            assert.deepEqual([stream, ipStatus, tcpStatus], ['0', '1', '1'], `${c.name}: ${frame}`);
          }
          assert.ok(frames.some((f) => f.split('\t')[3].endsWith(':tls')), `${c.name}: some frames are TLS`);
          // Wrong sequence or acknowledgement numbers show as lost segments, unseen ACKs, retransmissions.
          assert.deepEqual(await tshark(file, '-Y', 'tcp.analysis.flags', '-T', 'fields', '-e', 'frame.number'), [], `${c.name}: TCP analysis flags`);
        }
      }
    });

    it('without the key log, TLS 1.3 shows only ClientHello and ServerHello', async () => {
      for (const c of [cases.full13, cases.resumed13]) {
        assert.deepEqual(await handshakeTypes(c.withoutKeys), [HS.ClientHello, HS.ServerHello], c.name);
      }
    });

    it('with the embedded key log, tshark decrypts the full TLS 1.3 handshake and the tickets', async () => {
      const types = await handshakeTypes(cases.full13.withKeys);
      for (const [name, type] of Object.entries(HS)) assert.ok(types.includes(type), `${name} (${type}) in ${types.join(',')}`);
      assert.deepEqual(types.slice(0, 6), [HS.ClientHello, HS.ServerHello, HS.EncryptedExtensions, HS.Certificate, HS.CertificateVerify, HS.Finished]);
    });

    it('with the embedded key log, the TLS 1.3 resumption decrypts and has no Certificate', async () => {
      const types = await handshakeTypes(cases.resumed13.withKeys);
      assert.deepEqual(types.slice(0, 5), [HS.ClientHello, HS.ServerHello, HS.EncryptedExtensions, HS.Finished, HS.Finished], types.join(','));
      assert.ok(!types.includes(HS.Certificate) && !types.includes(HS.CertificateVerify), types.join(','));
      assert.ok(types.includes(HS.NewSessionTicket), types.join(','));
    });

    it('TLS 1.2 shows its Certificate in clear; the key log decrypts the Finished messages', async () => {
      const clear = await handshakeTypes(cases.full12.withoutKeys);
      assert.ok(clear.includes(HS.Certificate), clear.join(','));
      assert.ok(!clear.includes(HS.Finished), `Finished is encrypted: ${clear.join(',')}`);
      const decrypted = await handshakeTypes(cases.full12.withKeys);
      assert.equal(decrypted.filter((t) => t === HS.Finished).length, 2, decrypted.join(','));
    });

    it('toPcapng is deterministic, and capture() is toPcapng with the key log', async () => {
      for (const name of Object.keys(cases)) {
        const transcript = await sb.transcript(connections[name]);
        const keylog = await sb.keylog(connections[name]);
        assert.deepEqual(toPcapng(transcript), toPcapng(transcript), name);
        const captured = await sb.capture(connections[name]);
        assert.equal(captured.keylog, keylog);
        assert.deepEqual(captured.pcapng, toPcapng(transcript, { keylog }), name);
        assert.notDeepEqual(toPcapng(transcript, { startTime: 1 }), toPcapng(transcript), 'startTime moves the timestamps');
      }
    });
  });
}
