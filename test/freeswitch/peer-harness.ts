import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freeswitchServerSchema,
  type FreeswitchServerConfig,
} from '../../controller/config/schema.js';
import { FreeswitchServer } from '../../controller/media-server/freeswitch/server.js';
import type { MediaServer } from '../../controller/media-server/types.js';
import { createLogger } from '../../controller/log/logger.js';
import type { ContractHarness } from '../contract/media-server.contract.js';
import { EslPeer, writeSilenceWav, type EslPeerOptions } from '../esl-peer/index.js';

export const PEER_PASSWORD = 'hotline-esl-secret';
const silentLog = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'test' });

/** A FreeSWITCH adapter's configuration for a peer on `port`, with its folders under `dir`. */
export function peerServerConfig(
  port: number,
  dir: string,
  overrides: Partial<FreeswitchServerConfig> = {},
): FreeswitchServerConfig {
  return freeswitchServerSchema.parse({
    id: 'fs-peer',
    kind: 'freeswitch',
    port,
    password: PEER_PASSWORD,
    promptDir: dir,
    soundsDir: dir,
    recordingsDir: dir,
    serverRecordingsDir: dir,
    commandTimeoutMs: 3000,
    reconnect: { initialMs: 50, maxMs: 500 },
    ...overrides,
  });
}

export async function waitReady(server: MediaServer, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!server.status().ready) {
    if (Date.now() > until) throw new Error(`${server.id} not ready: ${server.status().reason}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A caller on the peer, as the dialplan hands it over: `hotline=1`, then park. */
export function peerCall(
  peer: EslPeer,
  number: string,
  opts: { dtmf?: string; hangupAfterMs?: number; callerNumber?: string } = {},
): { id: string; done: Promise<unknown> } {
  const call = peer.placeCall({
    calledNumber: number,
    callerNumber: opts.callerNumber ?? '13812345678',
    variables: { hotline: '1' },
  });
  const timers: NodeJS.Timeout[] = [];
  void call.answered
    .then(() => {
      [...(opts.dtmf ?? '')].forEach((d, i) =>
        timers.push(setTimeout(() => void call.press(d).catch(() => undefined), 800 + i * 400)),
      );
      if (opts.hangupAfterMs !== undefined)
        timers.push(
          setTimeout(() => void call.hangup().catch(() => undefined), opts.hangupAfterMs),
        );
    })
    .catch(() => undefined);
  const done = call.ended.then((r) => {
    timers.forEach(clearTimeout);
    return r;
  });
  return { id: call.id, done };
}

/** The FreeSWITCH adapter connected to a fresh ESL peer, as the contract suite wants it. */
export async function peerHarness(
  options: EslPeerOptions = {},
): Promise<ContractHarness & { server: FreeswitchServer; peer: EslPeer; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-fs-'));
  writeSilenceWav(join(dir, 'short.wav'), 1000);
  const peer = new EslPeer({ password: PEER_PASSWORD, ...options });
  const port = await peer.start();
  const server = new FreeswitchServer(peerServerConfig(port, dir), silentLog);
  server.start();
  await waitReady(server);
  return {
    server,
    peer,
    dir,
    answeringEndpoint: 'user/1001@hotline',
    shortMedia: { type: 'file', path: join(dir, 'short.wav') },
    longMedia: { type: 'tone', tone: 'ring' },
    placeCall: ({ number, dtmf, hangupAfterMs }) =>
      peerCall(peer, number, {
        ...(dtmf ? { dtmf } : {}),
        ...(hangupAfterMs !== undefined ? { hangupAfterMs } : {}),
      }),
    async close() {
      await server.close();
      await peer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
