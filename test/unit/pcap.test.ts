import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { audioPcap } from '../../tools/sipp/rtp-pcap.js';

const run = promisify(execFile);

/**
 * The caller's voice as SIPp replays it (`play_pcap_audio`): a WAV becomes classic libpcap
 * Ethernet/IPv4/UDP/RTP frames, G.711 A-law (payload type 8), 160 bytes per 20 ms. Needs sox.
 */
describe('speech as an RTP pcap', () => {
  it('one 160-byte A-law frame per 20 ms, sequence +1 and timestamp +160 each, 20 ms apart in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hotline-pcap-test-'));
    const wav = join(dir, 'tone.wav');
    await run('sox', [
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      '-e',
      'signed-integer',
      wav,
      'synth',
      '1.0',
      'sine',
      '440',
      'vol',
      '0.5',
    ]);
    const { file, durationMs } = await audioPcap(wav, { leadMs: 200, tailMs: 300 });
    const pcap = await readFile(file);

    // Global header: magic (little-endian), version 2.4, zone 0, sigfigs 0, snaplen, Ethernet.
    expect(pcap.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect([pcap.readUInt16LE(4), pcap.readUInt16LE(6)]).toEqual([2, 4]);
    expect([pcap.readInt32LE(8), pcap.readUInt32LE(12)]).toEqual([0, 0]);
    expect(pcap.readUInt32LE(16)).toBeGreaterThanOrEqual(14 + 20 + 8 + 12 + 160);
    expect(pcap.readUInt32LE(20)).toBe(1);

    const frames: { atUs: number; frame: Buffer }[] = [];
    for (let at = 24; at < pcap.length;) {
      const incl = pcap.readUInt32LE(at + 8);
      expect(pcap.readUInt32LE(at + 12)).toBe(incl);
      frames.push({
        atUs: pcap.readUInt32LE(at) * 1e6 + pcap.readUInt32LE(at + 4),
        frame: pcap.subarray(at + 16, at + 16 + incl),
      });
      at += 16 + incl;
    }
    expect(frames).toHaveLength((200 + 1000 + 300) / 20);
    expect(durationMs).toBe(1500);
    // A second call finds the file made by the first and reports the same length.
    expect((await audioPcap(wav, { leadMs: 200, tailMs: 300 })).durationMs).toBe(1500);

    frames.forEach(({ atUs, frame }, i) => {
      expect(frame.length).toBe(14 + 20 + 8 + 12 + 160);
      expect(frame.readUInt16BE(12)).toBe(0x0800); // IPv4
      const ip = frame.subarray(14, 34);
      expect(ip[0]).toBe(0x45);
      expect(ip[9]).toBe(17); // UDP
      expect(ip.readUInt16BE(2)).toBe(20 + 8 + 12 + 160);
      expect(checksum(ip)).toBe(0);
      expect(frame.readUInt16BE(34 + 4)).toBe(8 + 12 + 160);
      const rtp = frame.subarray(42);
      expect(rtp[0]).toBe(0x80); // version 2
      expect(rtp[1]! & 0x7f).toBe(8); // PCMA
      expect((rtp[1]! & 0x80) !== 0).toBe(i === 0);
      const first = frames[0]!.frame.subarray(42);
      expect(rtp.readUInt16BE(2)).toBe((first.readUInt16BE(2) + i) & 0xffff);
      expect(rtp.readUInt32BE(4)).toBe(first.readUInt32BE(4) + 160 * i);
      expect(rtp.readUInt32BE(8)).toBe(first.readUInt32BE(8));
      expect(atUs - frames[0]!.atUs).toBe(20_000 * i);
    });
    // The lead is A-law silence; the tone is not.
    expect([...frames[0]!.frame.subarray(54)].every((b) => b === 0xd5)).toBe(true);
    expect([...frames[20]!.frame.subarray(54)].some((b) => b !== 0xd5)).toBe(true);
  });
});

/** The ones'-complement sum of a valid IPv4 header, checksum included, is 0. */
function checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
