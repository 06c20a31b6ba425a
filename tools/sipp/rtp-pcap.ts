import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Classic libpcap files of RTP over UDP/IPv4/Ethernet, the form SIPp's `play_pcap_audio` replays
 * (it sends each UDP payload to the call's media port at the recorded times; addresses in the
 * file are ignored).
 */
export interface RtpPacket {
  /** When to send it, from the start of the file. */
  atMs: number;
  payloadType: number;
  marker?: boolean;
  seq: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

export function rtp(p: RtpPacket): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  header.writeUInt16BE(p.seq & 0xffff, 2);
  header.writeUInt32BE(p.timestamp >>> 0, 4);
  header.writeUInt32BE(p.ssrc >>> 0, 8);
  return Buffer.concat([header, p.payload]);
}

export function pcapFile(packets: RtpPacket[]): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(1, 20); // Ethernet
  const records = packets.map((p) => {
    const body = rtp(p);
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(6000, 0);
    udp.writeUInt16BE(6000, 2);
    udp.writeUInt16BE(8 + body.length, 4);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 8 + body.length, 2);
    ip[8] = 64;
    ip[9] = 17;
    Buffer.from([127, 0, 0, 1]).copy(ip, 12);
    Buffer.from([127, 0, 0, 1]).copy(ip, 16);
    ip.writeUInt16BE(ipChecksum(ip), 10);
    const eth = Buffer.alloc(14);
    eth.writeUInt16BE(0x0800, 12);
    const frame = Buffer.concat([eth, ip, udp, body]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(p.atMs / 1000), 0);
    rec.writeUInt32LE(Math.round((p.atMs % 1000) * 1000), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    return Buffer.concat([rec, frame]);
  });
  return Buffer.concat([global, ...records]);
}

function ipChecksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const EVENT: Record<string, number> = { '*': 10, '#': 11 };

/**
 * The first event's RTP timestamp. Never 0: FreeSWITCH takes a timestamp of 0 for "no key in
 * progress" and drops that key without a word (a phone starts at a random value anyway).
 */
export const DTMF_TIMESTAMP_BASE = 0x00a0_0000;

/**
 * RFC 4733 key presses as one stream: each key an event of `toneMs` (a packet every 20 ms, the
 * end packet three times), keys `gapMs` apart, ',' a one-second pause. Timestamps and sequence
 * numbers only ever grow, as a phone's do; replaying fixed per-key files instead repeats old
 * timestamps, and Asterisk rightly drops those keys as duplicates. Timestamps start at
 * DTMF_TIMESTAMP_BASE.
 */
export function dtmfPackets(
  keys: string,
  opts: { payloadType?: number; toneMs?: number; gapMs?: number } = {},
): { packets: RtpPacket[]; durationMs: number } {
  const pt = opts.payloadType ?? 101;
  const toneMs = opts.toneMs ?? 120;
  const gapMs = opts.gapMs ?? 400;
  const ssrc = 0x484f544c; // "HOTL"
  const packets: RtpPacket[] = [];
  let at = 0;
  let seq = 1000;
  for (const key of keys) {
    if (key === ',') {
      at += 1000;
      continue;
    }
    const event = EVENT[key] ?? Number(key);
    if (!Number.isInteger(event) || event < 0 || event > 11)
      throw new Error(`not a DTMF key: ${key}`);
    const timestamp = (DTMF_TIMESTAMP_BASE + at * 8) >>> 0;
    const steps = Math.ceil(toneMs / 20);
    for (let i = 1; i <= steps + 2; i++) {
      const end = i >= steps;
      const payload = Buffer.alloc(4);
      payload[0] = event;
      payload[1] = (end ? 0x80 : 0) | 10;
      payload.writeUInt16BE(Math.min(i, steps) * 160, 2);
      packets.push({
        atMs: at + Math.min(i, steps) * 20,
        payloadType: pt,
        marker: i === 1,
        seq: seq++,
        timestamp,
        ssrc,
        payload,
      });
    }
    at += gapMs;
  }
  return { packets, durationMs: at };
}

/**
 * A cached pcap of these keys (same keys, same file); returns its path, how long it plays, and
 * when the last key's tone ends (its end packets), the moment the far end has the whole key.
 */
export function dtmfPcap(keys: string): { file: string; durationMs: number; lastKeyEndMs: number } {
  const { packets, durationMs } = dtmfPackets(keys);
  const lastKeyEndMs = packets.reduce((m, p) => Math.max(m, p.atMs), 0);
  const dir = join(tmpdir(), 'hotline-dtmf-pcaps');
  mkdirSync(dir, { recursive: true });
  // The timestamp base is in the key: a file cached by an older generator (whose first key had
  // timestamp 0) is never replayed.
  const file = join(
    dir,
    `dtmf-${createHash('sha256').update(`${keys}|${DTMF_TIMESTAMP_BASE}`).digest('hex').slice(0, 16)}.pcap`,
  );
  if (!existsSync(file)) writeFileSync(file, pcapFile(packets));
  return { file, durationMs, lastKeyEndMs };
}

/**
 * A caller's voice as G.711 A-law RTP (payload type 8, 160 bytes every 20 ms), from any WAV sox
 * reads, with silence before and after (A-law silence, so the far end keeps receiving frames and
 * can hear the speech end). Cached by the file's path and the padding.
 */
export async function audioPcap(
  wav: string,
  opts: { leadMs?: number; tailMs?: number } = {},
): Promise<{ file: string; durationMs: number }> {
  const lead = opts.leadMs ?? 200;
  const tail = opts.tailMs ?? 1500;
  const dir = join(tmpdir(), 'hotline-audio-pcaps');
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha256').update(`${wav}|${lead}|${tail}`).digest('hex').slice(0, 16);
  const file = join(dir, `audio-${key}.pcap`);
  const raw = join(dir, `audio-${key}.al`);
  // Cached: every packet of this file is 20 ms of 160 bytes, framed as pcapFile writes it.
  if (existsSync(file))
    return { file, durationMs: ((statSync(file).size - 24) / (16 + 14 + 20 + 8 + 12 + 160)) * 20 };
  await run('sox', [wav, '-t', 'al', '-r', '8000', '-c', '1', raw], { timeout: 30_000 });
  const alaw = Buffer.concat([
    Buffer.alloc(lead * 8, 0xd5),
    readFileSync(raw),
    Buffer.alloc(tail * 8, 0xd5),
  ]);
  rmSync(raw, { force: true });
  const packets: RtpPacket[] = [];
  const ssrc = 0x43414c4c; // "CALL"
  for (let i = 0; i * 160 < alaw.length; i++) {
    const payload = Buffer.alloc(160, 0xd5);
    alaw.copy(payload, 0, i * 160, Math.min(alaw.length, (i + 1) * 160));
    packets.push({
      atMs: i * 20,
      payloadType: 8,
      marker: i === 0,
      seq: 2000 + i,
      timestamp: i * 160,
      ssrc,
      payload,
    });
  }
  writeFileSync(file, pcapFile(packets));
  return { file, durationMs: packets.length * 20 };
}

/** `ms` of A-law silence as RTP: an opening that keeps the line alive without sounding like speech. */
export function silencePcap(ms: number): string {
  const dir = join(tmpdir(), 'hotline-audio-pcaps');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `silence-${ms}.pcap`);
  if (existsSync(file)) return file;
  const packets: RtpPacket[] = [];
  for (let i = 0; i < Math.ceil(ms / 20); i++)
    packets.push({
      atMs: i * 20,
      payloadType: 8,
      marker: i === 0,
      seq: 100 + i,
      timestamp: i * 160,
      ssrc: 0x53494c45,
      payload: Buffer.alloc(160, 0xd5),
    });
  writeFileSync(file, pcapFile(packets));
  return file;
}
