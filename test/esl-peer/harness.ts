import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ESL_FIXTURES_DIR } from '../freeswitch/fixtures.js';
import { EslPeer, type EslPeerOptions, writeSilenceWav } from './index.js';
import { type Frame, RawClient } from './raw-client.js';

/** Shared set-up of the peer's own test files: peers and raw clients closed after each test. */

/** The FreeSWITCH 1.10.12 captures in test/fixtures/esl/ (see its INDEX.md). */
export const FIXTURES = ESL_FIXTURES_DIR;
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'latin1');

export const GOODBYE_NOTICE =
  'Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, ' +
  'goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Harness {
  /** A temp directory (removed after the file), holding `wav`: a 300 ms silence WAV. */
  readonly dir: string;
  readonly wav: string;
  startPeer(opts?: EslPeerOptions): Promise<EslPeer>;
  /** An authenticated raw client, subscribed with `event <events>` when given. */
  client(peer: EslPeer, events?: string): Promise<RawClient>;
  /** A raw client that has not authenticated. */
  open(peer: EslPeer): Promise<RawClient>;
}

/** Registers the hooks; call once at the top of a test file. */
export function harness(): Harness {
  const peers: EslPeer[] = [];
  const clients: RawClient[] = [];
  const state = { dir: '', wav: '' };
  beforeAll(() => {
    state.dir = mkdtempSync(join(tmpdir(), 'esl-peer-'));
    state.wav = join(state.dir, 'prompt.wav');
    writeSilenceWav(state.wav, 300);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const p of peers.splice(0)) {
      expect(p.errors).toEqual([]);
      await p.close();
    }
  });
  afterAll(() => rmSync(state.dir, { recursive: true, force: true }));
  return {
    get dir() {
      return state.dir;
    },
    get wav() {
      return state.wav;
    },
    async startPeer(opts = {}) {
      const peer = new EslPeer({ toneMs: 200, ...opts });
      await peer.start();
      peers.push(peer);
      return peer;
    },
    async client(peer, events) {
      const c = await RawClient.authed(peer.port);
      clients.push(c);
      if (events)
        expect((await c.command(`event ${events}`)).headers['Reply-Text']).toMatch(
          /^\+OK event listener enabled/,
        );
      return c;
    },
    async open(peer) {
      const c = await RawClient.open(peer.port);
      clients.push(c);
      return c;
    },
  };
}

/** `sendmsg <uuid>` with call-command execute. */
export function execute(
  c: RawClient,
  uuid: string,
  app: string,
  arg?: string,
  extra: Record<string, string> = {},
): Promise<Frame> {
  const headers: Record<string, string> = {
    'call-command': 'execute',
    'execute-app-name': app,
    ...extra,
  };
  if (arg !== undefined) headers['execute-app-arg'] = arg;
  return c.command(`sendmsg ${uuid}`, headers);
}

/** The events of one channel, as `Event-Name[:Application]` in arrival order. */
export function trail(c: RawClient, uuid: string): string[] {
  return c
    .events()
    .filter((e) => e['Unique-ID'] === uuid)
    .map((e) =>
      e['Application'] && e['Event-Name']?.startsWith('CHANNEL_EXECUTE')
        ? `${e['Event-Name']}:${e['Application']}`
        : (e['Event-Name'] ?? ''),
    );
}
