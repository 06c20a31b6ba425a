import { describe, expect, it } from 'vitest';
import { DTMF_TIMESTAMP_BASE, dtmfPackets, dtmfPcap, pcapFile } from '../../tools/sipp/rtp-pcap.js';
import { readFileSync } from 'node:fs';

describe('RTP pcap files for SIPp', () => {
  it('RFC 4733 keys: one event per key, end packets repeated, timestamps and sequence numbers only grow', () => {
    const { packets, durationMs } = dtmfPackets('3,1#');
    const events = [...new Set(packets.map((p) => p.timestamp))];
    expect(events).toHaveLength(3);
    expect(events).toEqual([...events].sort((a, b) => a - b));
    expect(packets.map((p) => p.payload[0])).toEqual(expect.arrayContaining([3, 1, 11]));
    for (let i = 1; i < packets.length; i++) expect(packets[i]!.seq).toBe(packets[i - 1]!.seq + 1);
    const ends = packets.filter((p) => (p.payload[1]! & 0x80) !== 0);
    expect(ends).toHaveLength(9);
    expect(packets.filter((p) => p.marker)).toHaveLength(3);
    // 400 ms per key and a one-second pause.
    expect(durationMs).toBe(2200);
  });

  it('writes a classic pcap: global header, then Ethernet/IPv4/UDP frames carrying the RTP', () => {
    const { packets } = dtmfPackets('5');
    const file = pcapFile(packets);
    expect(file.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(file.readUInt32LE(20)).toBe(1);
    const incl = file.readUInt32LE(24 + 8);
    expect(incl).toBe(14 + 20 + 8 + 12 + 4);
    const frame = file.subarray(24 + 16, 24 + 16 + incl);
    expect(frame.readUInt16BE(12)).toBe(0x0800);
    expect(frame[14 + 9]).toBe(17);
    const rtp = frame.subarray(14 + 20 + 8);
    expect(rtp[0]).toBe(0x80);
    expect(rtp[1]! & 0x7f).toBe(101);
    expect(rtp[12]).toBe(5);
    expect(file.length).toBe(24 + packets.length * (16 + incl));
  });

  it('no key event has RTP timestamp 0 (FreeSWITCH drops such a key), the first one included', () => {
    const { packets } = dtmfPackets('2');
    expect(packets[0]!.timestamp).toBe(DTMF_TIMESTAMP_BASE);
    expect(packets.every((p) => p.timestamp !== 0)).toBe(true);
    // And so does the cached file SIPp replays: the RTP timestamp of its first packet.
    const file = readFileSync(dtmfPcap('2').file);
    expect(file.readUInt32BE(24 + 16 + 14 + 20 + 8 + 4)).toBe(DTMF_TIMESTAMP_BASE);
  });

  it('refuses what is not a key', () => {
    expect(() => dtmfPackets('1a')).toThrow(/not a DTMF key/);
  });
});
