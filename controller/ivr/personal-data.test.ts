import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiRequester, testApiDeps, type TestApi } from '../../test/fakes/api-deps.js';
import { ScriptedMediaServer } from '../../tools/fakes/scripted-media-server.js';
import { readCatalogue } from '../../media/prompts.js';
import { callerHash } from '../../recordings/crypto/keyring.js';
import { MemoryCallRecordStore } from '../calls/record.js';
import { loadConfig } from '../config/load.js';
import { createApi } from '../http/app.js';
import { createLogger } from '../log/logger.js';
import type { Media } from '../media-server/types.js';
import { SessionRunner, type CallHandler } from '../session/runner.js';
import { FlowDirectory } from './directory.js';
import { runFlow } from './engine.js';
import { indexPrompts } from './prompt-index.js';
import type { CallbackRequest } from './requests.js';
import type { IvrDeps } from './run-state.js';
import { welcomeFlow } from './welcome-flow.js';
import { caller, finished } from '../../test/fakes/flow-caller.js';

const log = createLogger({ level: 'silent', name: 't' });
const config = loadConfig({ env: {} });
const prompts = indexPrompts(await readCatalogue());
const mediaMs = (m: Media): number => (m.type === 'prompt' && /^(n|en|zh)-/.test(m.id) ? 5 : 60);

const CALLER = '13711112222';
const CARD = '87654321';
const CALLBACK_TO = '02088889999';

/** A card number said back, then a callback to another number: every kind of typed digits. */
const FLOW = (sensitive: string) => `flow: p
numbers: ["4008009101"]
language: en
start: answer
nodes:
  answer: { verb: answer, next: card }
  card: { verb: gather, prompt: order-ask, minDigits: 6, maxDigits: 8, saveAs: card, noMatch: no-match, onFail: cb, next: tell, firstDigitTimeoutMs: 500, interDigitTimeoutMs: 500${sensitive} }
  tell: { verb: play, play: [order-number, { say: digits, value: "{{vars.card}}" }, { say: digits, value: "{{caller}}" }], next: cb }
  cb: { verb: callback }
`;

let dir: string | undefined;
let api: TestApi | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  api?.cleanup();
  dir = undefined;
  api = undefined;
});

function setup(flowText: string) {
  dir = mkdtempSync(join(tmpdir(), 'hotline-pdata-'));
  writeFileSync(join(dir, 'flow.yaml'), flowText);
  const flows = new FlowDirectory(dir, () => ({ prompts }), log);
  const problems = flows.reload();
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const callbacks: CallbackRequest[] = [];
  const ivr: IvrDeps = {
    stats: {
      exit: () => Promise.resolve(),
      call: () => Promise.resolve(),
      speech: () => Promise.resolve(),
    },
    requests: {
      addCallback: (r) => Promise.resolve(void callbacks.push(r)),
      addVoicemail: () => Promise.resolve(),
    },
    regionOf: () => undefined,
    transferEndpoint: 'PJSIP/{number}@carrier',
    now: () => new Date('2026-11-25T03:00:00Z'),
  };
  const server = new ScriptedMediaServer({ mediaMs });
  const store = new MemoryCallRecordStore();
  const flowFor = (n: string): CallHandler | undefined => {
    const flow = flows.forNumber(n);
    return flow && ((call) => runFlow(call, flow, ivr));
  };
  const runner = new SessionRunner({
    config,
    log,
    store,
    flow: welcomeFlow,
    flowFor,
    commandTimeoutMs: 1000,
    callerHash: (n) => callerHash('test-secret', n),
  });
  runner.attach(server);
  server.start();
  return { server, store, callbacks, runner };
}

const ANSWERS: [string, string][] = [
  ['order-ask', '12#'],
  ['no-match', `${CARD}`],
  ['callback-which-number', '2'],
  ['callback-enter-number', `${CALLBACK_TO}#`],
  ['callback-when', '3'],
];

describe('digits a caller types', { timeout: 20_000 }, () => {
  it('are the flow’s to use, and masked in the record, its timeline and the API', async () => {
    const { server, store, callbacks, runner } = setup(FLOW(''));
    const ch = server.injectCall({ calledNumber: '4008009101', callerNumber: CALLER });
    caller(server, ch, ANSWERS);
    const r = await finished(store, ch.id);
    // The flow had the real values: said back, and the callback request has the number to call.
    expect(callbacks).toEqual([
      expect.objectContaining({ number: CALLBACK_TO, slot: 'afternoon' }),
    ]);
    const saidBack = server.played.find((p) =>
      p.media.some((m) => m.type === 'prompt' && m.id === 'order-number'),
    );
    expect(
      saidBack?.media
        .filter((m) => m.type === 'prompt' && m.id.startsWith('n-'))
        .map((m) => (m.type === 'prompt' ? m.id.slice(2) : ''))
        .join(''),
    ).toBe(`${CARD}${CALLER}`);
    // The record: menu keys as pressed, typed numbers as stars, nowhere the numbers themselves.
    expect(r.outcome).toBe('callback');
    expect(r.digits).toBe(`**${'*'.repeat(CARD.length)}2${'*'.repeat(CALLBACK_TO.length)}3`);
    const steps = r.timeline.map((t) => t.what);
    expect(steps.filter((s) => s.startsWith('dtmf ')).filter((s) => s !== 'dtmf *')).toEqual([
      'dtmf 2',
      'dtmf 3',
    ]);
    expect(steps).toContain('no match **');
    expect(
      steps.some((s) =>
        s.startsWith('play prompt:order-number+say:digits:{{vars.card}}+say:digits:{{caller}}'),
      ),
    ).toBe(true);
    const text = JSON.stringify(r);
    for (const secret of [CARD, CALLBACK_TO, CALLER, CARD.slice(0, 4), CALLBACK_TO.slice(-4)])
      expect(text).not.toContain(secret);
    // The API shows the same record, without the caller's keyed hash.
    api = await testApiDeps({ store, runner });
    const get = apiRequester(() => ({ app: createApi(api!.deps), t: api! }), 'supervisor');
    const answer = await get('GET', `/v1/calls/${ch.id}`);
    expect(answer).toMatchObject({
      status: 200,
      body: { id: ch.id, digits: r.digits, callerMasked: '137****2222' },
    });
    expect(answer.body).not.toHaveProperty('callerHash');
    for (const secret of [CARD, CALLBACK_TO, CALLER])
      expect(JSON.stringify(answer.body)).not.toContain(secret);
  });

  it('stay visible where the flow says they are not personal data (sensitive: false)', async () => {
    const { server, store } = setup(FLOW(', sensitive: false'));
    const ch = server.injectCall({ calledNumber: '4008009101', callerNumber: CALLER });
    caller(server, ch, ANSWERS);
    const r = await finished(store, ch.id);
    // The gathered code in the clear; the callback number still masked (its own flag, default on).
    expect(r.digits).toBe(`12${CARD}2${'*'.repeat(CALLBACK_TO.length)}3`);
    expect(r.timeline.map((t) => t.what)).toContain('no match 12');
    expect(JSON.stringify(r)).not.toContain(CALLBACK_TO);
  });

  it('the record carries the caller’s keyed hash (for erasure), never the number', async () => {
    const { server, store } = setup(FLOW(''));
    const ch = server.injectCall({ calledNumber: '4008009101', callerNumber: CALLER });
    ch.farHangup();
    const r = await finished(store, ch.id);
    expect(r.callerHash).toBe(callerHash('test-secret', CALLER));
    expect(await store.findByCaller(callerHash('test-secret', `+86 ${CALLER}`))).toEqual([]);
    expect(await store.findByCaller(callerHash('test-secret', CALLER))).toEqual([
      expect.objectContaining({ id: ch.id }),
    ]);
  });
});
