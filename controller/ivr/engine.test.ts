import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalogue } from '../../media/prompts.js';
import {
  ScriptedMediaServer,
  type FakeChannel,
  type ScriptOptions,
} from '../../tools/fakes/scripted-media-server.js';
import { MemoryCallRecordStore, type CallRecord } from '../calls/record.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import type { Media } from '../media-server/types.js';
import { SessionRunner, type CallHandler } from '../session/runner.js';
import { runFlow } from './engine.js';
import { welcomeFlow } from './welcome-flow.js';
import { FlowDirectory } from './directory.js';
import { indexPrompts } from './prompt-index.js';
import type { CallbackRequest, VoicemailMessage } from './requests.js';
import type { IvrDeps } from './run-state.js';
import type { SpeechRecognizer } from '../../media/speech/types.js';
import { HotlineError } from '../../lib/errors.js';
import { readFileSync } from 'node:fs';
import { caller, finished } from '../../test/fakes/flow-caller.js';

const log = createLogger({ level: 'silent', name: 't' });
const config = loadConfig({ env: {} });
const prompts = indexPrompts(await readCatalogue());

/** Prompts "play" 60 ms, fragments 5 ms: fast, but long enough for keys to barge in. */
const mediaMs = (m: Media): number =>
  m.type === 'prompt' && (m.id.startsWith('n-') || m.id.startsWith('en-') || m.id.startsWith('zh-'))
    ? 5
    : 60;

let lookups: Server;
let lookupUrl = '';
beforeAll(async () => {
  lookups = createServer((req, res) => {
    if (req.url?.startsWith('/slow')) return void setTimeout(() => res.end('{}'), 2000);
    if (req.url?.startsWith('/broken')) return void res.writeHead(500).end('oops');
    if (req.url?.startsWith('/text')) return void res.end('not json');
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        vip: req.url?.includes('13900000000') ?? false,
        balance: '42.50',
        caller: decodeURIComponent(req.url?.split('=')[1] ?? ''),
      }),
    );
  });
  await new Promise<void>((r) => lookups.listen(0, '127.0.0.1', r));
  const address = lookups.address();
  lookupUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => lookups.close());

function setup(
  flowText: string,
  opts: {
    now?: Date;
    endpoint?: ScriptOptions['endpoint'];
    speech?: SpeechRecognizer;
    callerSays?: ScriptOptions['callerSays'];
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-engine-'));
  writeFileSync(join(dir, 'flow.yaml'), flowText.replaceAll('LOOKUP', lookupUrl));
  const flows = new FlowDirectory(dir, () => ({ prompts }), log);
  const problems = flows.reload();
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const exits: string[] = [];
  const callbacks: CallbackRequest[] = [];
  const voicemails: VoicemailMessage[] = [];
  const ivr: IvrDeps = {
    stats: {
      exit: (_f, node, exit) => Promise.resolve(void exits.push(`${node}:${exit}`)),
      call: () => Promise.resolve(),
      speech: () => Promise.resolve(),
    },
    requests: {
      addCallback: (r) => Promise.resolve(void callbacks.push(r)),
      addVoicemail: (m) => Promise.resolve(void voicemails.push(m)),
    },
    regionOf: (n) => (n.startsWith('010') ? 'beijing' : undefined),
    transferEndpoint: 'PJSIP/{number}@carrier',
    now: () => opts.now ?? new Date('2026-11-25T03:00:00Z'),
    speech: opts.speech,
  };
  const server = new ScriptedMediaServer({
    mediaMs,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.callerSays ? { callerSays: opts.callerSays } : {}),
    recordMs: 200,
  });
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
  });
  runner.attach(server);
  server.start();
  return { server, store, exits, callbacks, voicemails, flows, dir };
}

const prompted = (server: ScriptedMediaServer): string[] =>
  server.played.map((p) => p.media.map((m) => (m.type === 'prompt' ? m.id : m.type)).join('+'));

const THREE_LEVELS = `flow: three
numbers: ["4008009001"]
language: en
start: answer
nodes:
  answer: { verb: answer, next: one }
  one: { verb: menu, prompt: menu-main, options: { "1": two, "9": bye }, noInput: no-input, noMatch: no-match, onFail: bye, firstDigitTimeoutMs: 500 }
  two: { verb: menu, prompt: menu-billing, options: { "2": three, "*": one }, noMatch: no-match, onFail: bye, firstDigitTimeoutMs: 500 }
  three: { verb: menu, prompt: menu-tech, options: { "3": done }, onFail: bye, firstDigitTimeoutMs: 500 }
  done: { verb: play, play: [balance-is, { say: amount, value: "12.50" }], next: bye }
  bye: { verb: hangup, prompt: goodbye }
`;

// Real timers throughout: generous limits, as the lab suite may share the two cores meanwhile.
describe('IVR engine on the scripted media server', { timeout: 20_000 }, () => {
  it('walks a three-level menu by keypad, with barge-in, and records path, turns and version', async () => {
    const { server, store, exits, flows } = setup(THREE_LEVELS);
    const ch = server.injectCall({ calledNumber: '4008009001' });
    caller(server, ch, [
      ['menu-main', '1'],
      ['menu-billing', '2'],
      ['menu-tech', '3'],
    ]);
    const r = await finished(store, ch.id);
    expect(r).toMatchObject({
      outcome: 'completed',
      flow: 'three',
      flowVersion: flows.forNumber('4008009001')?.version,
      turns: 3,
      selfServed: true,
      digits: '123',
    });
    expect(r.path).toEqual(['answer', 'one', 'two', 'three', 'done', 'bye']);
    expect(prompted(server)).toEqual([
      'menu-main',
      'menu-billing',
      'menu-tech',
      'balance-is+n-12+yuan+en-and+n-50+en-cents',
      'goodbye',
    ]);
    // Barge-in: each menu prompt was cut by the key.
    expect(server.played.slice(0, 3).map((p) => p.completed)).toEqual([false, false, false]);
    expect(exits).toEqual([
      'answer:answered',
      'one:chosen',
      'two:chosen',
      'three:chosen',
      'done:played',
      'bye:hung-up',
    ]);
    expect(ch.listenerCount()).toBe(0);
  });

  it('no input, then a wrong key, then the right one: each retry says why, each try is a turn', async () => {
    const { server, store } = setup(THREE_LEVELS);
    const ch = server.injectCall({ calledNumber: '4008009001' });
    // First try: silence. Second: '*' (not an option). Third: 9.
    caller(server, ch, [
      ['no-input', '*'],
      ['no-match', '9'],
    ]);
    const r = await finished(store, ch.id);
    expect(prompted(server).slice(0, 3)).toEqual([
      'menu-main',
      'no-input+menu-main',
      'no-match+menu-main',
    ]);
    expect(r).toMatchObject({ turns: 3, path: ['answer', 'one', 'bye'], digits: '*9' });
    expect(r.timeline.map((t) => t.what)).toContain('no match *');
  });

  it('a caller who never answers goes to onFail after the retries', async () => {
    const { server, store, exits } = setup(THREE_LEVELS);
    const ch = server.injectCall({ calledNumber: '4008009001' });
    const r = await finished(store, ch.id);
    expect(r).toMatchObject({ turns: 3, path: ['answer', 'one', 'bye'], outcome: 'completed' });
    expect(exits).toContain('one:no-input');
  });

  it('a hang-up inside a menu ends the walk: counted, no listener left, not self-served', async () => {
    const { server, store, exits } = setup(THREE_LEVELS);
    const ch = server.injectCall({ calledNumber: '4008009001' });
    ch.on((ev) => {
      if (ev.type === 'playback-started') setTimeout(() => ch.farHangup(), 20);
    });
    const r = await finished(store, ch.id);
    expect(r).toMatchObject({ outcome: 'caller-hangup', selfServed: false, hangupBy: 'caller' });
    expect(exits).toContain('one:caller-hangup');
    expect(ch.listenerCount()).toBe(0);
  });

  it('gather: garbage and overlong input are refused by the pattern; the number is kept and said back', async () => {
    const flow = `flow: g
numbers: ["4008009002"]
language: en
start: ask
nodes:
  ask: { verb: gather, prompt: order-ask, minDigits: 6, maxDigits: 8, pattern: "^[1-9]\\\\d+$", saveAs: order, noMatch: no-match, onFail: bye, next: tell, interDigitTimeoutMs: 500, firstDigitTimeoutMs: 500 }
  tell: { verb: play, play: [order-number, { say: digits, value: "{{vars.order}}" }], next: bye }
  bye: { verb: hangup }
`;
    const { server, store } = setup(flow);
    const ch = server.injectCall({ calledNumber: '4008009002' });
    caller(server, ch, [
      ['order-ask', '12#'],
      ['no-match', '0123456#'],
      ['no-match', '123456789'],
    ]);
    const r = await finished(store, ch.id);
    expect(r.path).toEqual(['ask', 'tell', 'bye']);
    expect(prompted(server)[3]).toBe('order-number+n-1+n-2+n-3+n-4+n-5+n-6+n-7+n-8');
  });

  it('branch: hours with holidays, region, VIP from an HTTP lookup, variables', async () => {
    const flow = `flow: b
numbers: ["4008009003"]
language: en
start: lookup
calendars:
  office: { days: [mon, tue, wed, thu, fri], open: "09:00", close: "18:00", holidays: ["2026-10-01"], workdays: ["2026-10-11"] }
nodes:
  lookup: { verb: http, url: "LOOKUP/customer?caller={{caller}}", timeoutMs: 1000, saveAs: customer, next: vip, onError: closed }
  vip: { verb: set, vars: { vip: "{{vars.customer.vip}}" }, next: route }
  route:
    verb: branch
    when:
      - { if: { closed: office }, goto: closed }
      - { if: { var: customer.vip, equals: true }, goto: vip-line }
      - { if: { region: [beijing] }, goto: local }
    otherwise: balance
  vip-line: { verb: hangup, prompt: menu-tech }
  local: { verb: hangup, prompt: menu-billing }
  balance: { verb: play, play: [balance-is, { say: amount, value: "{{vars.customer.balance}}" }], next: closed }
  closed: { verb: hangup, prompt: goodbye }
`;
    // Wednesday 11:00 in Shanghai: open.
    const open = new Date('2026-11-25T03:00:00Z');
    const run = async (
      callerNumber: string,
      now = open,
    ): Promise<{ r: CallRecord; played: string[] }> => {
      const { server, store } = setup(flow, { now });
      const ch = server.injectCall({ calledNumber: '4008009003', callerNumber });
      const r = await finished(store, ch.id);
      return { r, played: prompted(server) };
    };
    expect((await run('13900000000')).r.path).toEqual(['lookup', 'vip', 'route', 'vip-line']);
    expect((await run('01065529988')).r.path).toEqual(['lookup', 'vip', 'route', 'local']);
    const plain = await run('13812345678');
    expect(plain.r.path).toEqual(['lookup', 'vip', 'route', 'balance', 'closed']);
    expect(plain.played[0]).toBe('balance-is+n-40+n-2+yuan+en-and+n-50+en-cents');
    // National Day holiday (a Thursday) and the Sunday that is a working day.
    expect((await run('13812345678', new Date('2026-10-01T03:00:00Z'))).r.path).toEqual([
      'lookup',
      'vip',
      'route',
      'closed',
    ]);
    expect((await run('13812345678', new Date('2026-10-11T03:00:00Z'))).r.path).toContain(
      'balance',
    );
    expect((await run('13812345678', new Date('2026-11-25T11:00:00Z'))).r.path).toEqual([
      'lookup',
      'vip',
      'route',
      'closed',
    ]);
  });

  it.each([
    ['a lookup that times out', 'slow'],
    ['a lookup that fails', 'broken'],
    ['a lookup that answers with something other than JSON', 'text'],
    ['a lookup nobody answers', 'refused'],
  ])('%s takes the error branch within its deadline', async (_what, path) => {
    const url = path === 'refused' ? 'http://127.0.0.1:1/x' : `LOOKUP/${path}`;
    const flow = `flow: h\nnumbers: ["4008009004"]\nlanguage: en\nstart: lookup\nnodes:\n  lookup: { verb: http, url: "${url}", timeoutMs: 300, saveAs: c, next: ok, onError: sorry }\n  ok: { verb: hangup, prompt: goodbye }\n  sorry: { verb: hangup, prompt: transfer-failed }\n`;
    const { server, store } = setup(flow);
    const started = Date.now();
    const ch = server.injectCall({ calledNumber: '4008009004' });
    const r = await finished(store, ch.id);
    expect(r.path).toEqual(['lookup', 'sorry']);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('language choice: every prompt after it is in the chosen language', async () => {
    const flow = `flow: l\nnumbers: ["4008009005"]\nlanguage: en\nstart: pick\nnodes:\n  pick: { verb: language, prompt: menu-main, options: { "1": zh, "2": en }, onFail: bye, next: bye }\n  bye: { verb: hangup, prompt: goodbye }\n`;
    const { server, store } = setup(flow);
    const ch = server.injectCall({ calledNumber: '4008009005' });
    caller(server, ch, [['menu-main', '1']]);
    await finished(store, ch.id);
    const langs = server.played.map((p) =>
      p.media[0]?.type === 'prompt' ? p.media[0].language : '',
    );
    expect(langs).toEqual(['en', 'zh']);
  });

  it('transfer: answered is connected until a side hangs up; refused takes onFail', async () => {
    const flow = `flow: t\nnumbers: ["4008009006"]\nlanguage: en\nstart: go\nnodes:\n  go: { verb: transfer, to: "{{vars.target}}88001234", onFail: sorry }\n  sorry: { verb: hangup, prompt: transfer-failed }\n`;
    const ok = setup(flow, { endpoint: () => ({ answerAfterMs: 30 }) });
    const ch = ok.server.injectCall({ calledNumber: '4008009006' });
    setTimeout(() => ch.farHangup(), 300);
    expect(await finished(ok.store, ch.id)).toMatchObject({
      outcome: 'transferred',
      selfServed: false,
    });
    const refused = setup(flow, { endpoint: () => ({ failAfterMs: 30, cause: 17 }) });
    const ch2 = refused.server.injectCall({ calledNumber: '4008009006' });
    expect((await finished(refused.store, ch2.id)).path).toEqual(['go', 'sorry']);
  });

  it('voicemail and callback requests are stored, with the caller masked where it is not needed', async () => {
    const flow = `flow: v\nnumbers: ["4008009007", "4008009008"]\nlanguage: en\nstart: which\nnodes:\n  which: { verb: branch, when: [{ if: { var: called, equals: "4008009007" }, goto: vm }], otherwise: cb }\n  vm: { verb: voicemail, mailbox: sales, prompt: voicemail-intro }\n  cb: { verb: callback }\n`;
    const { server, store, voicemails, callbacks } = setup(flow);
    const a = server.injectCall({ calledNumber: '4008009007' });
    expect(await finished(store, a.id)).toMatchObject({ outcome: 'voicemail', selfServed: false });
    expect(voicemails).toEqual([
      expect.objectContaining({
        mailbox: 'sales',
        callerMasked: '138****5678',
        recording: `voicemail-sales-${a.id}`,
      }),
    ]);
    const b = server.injectCall({ calledNumber: '4008009008', callerNumber: '13711112222' });
    caller(server, b, [
      ['callback-which-number', '2'],
      ['callback-enter-number', '02088889999#'],
      ['callback-when', '3'],
    ]);
    expect(await finished(store, b.id)).toMatchObject({ outcome: 'callback' });
    expect(callbacks).toEqual([
      expect.objectContaining({ number: '02088889999', slot: 'afternoon', flow: 'v' }),
    ]);
  });

  it('a call keeps the flow version it started with while the file is replaced', async () => {
    const { server, store, flows, dir } = setup(THREE_LEVELS);
    const first = flows.forNumber('4008009001')?.version;
    const ch = server.injectCall({ calledNumber: '4008009001' });
    caller(server, ch, [
      ['menu-main', '1'],
      ['menu-billing', '2'],
      ['menu-tech', '3'],
    ]);
    await new Promise((r) => setTimeout(r, 30));
    writeFileSync(
      join(dir, 'flow.yaml'),
      THREE_LEVELS.replace('prompt: goodbye', 'prompt: no-match'),
    );
    flows.reload();
    expect(flows.forNumber('4008009001')?.version).not.toBe(first);
    const r = await finished(store, ch.id);
    expect(r.flowVersion).toBe(first);
    expect(r.path).toContain('done');
  });
});

const SPOKEN = `flow: s
numbers: ["4008009010"]
language: en
start: main
nodes:
  main:
    verb: menu
    prompt: menu-main
    options: { "1": billing, "2": tech }
    intents:
      - { id: billing, phrases: [billing, my bill], next: billing }
      - { id: tech, phrases: [technical support], next: tech }
    noInput: no-input
    noMatch: no-match
    firstDigitTimeoutMs: 500
    onFail: bye
  billing: { verb: hangup, prompt: menu-billing }
  tech: { verb: hangup, prompt: menu-tech }
  bye: { verb: hangup, prompt: goodbye }
`;

/** A recogniser for logic tests: the "audio" file holds the intent's name as text. */
function textRecognizer(calls: string[] = []): SpeechRecognizer {
  return {
    name: 'text',
    recognize(path) {
      const said = readFileSync(path, 'utf8').trim();
      calls.push(said);
      if (said === 'crash')
        return Promise.reject(new HotlineError('SPEECH_FAILED', 'engine crashed'));
      return Promise.resolve({
        text: said,
        confidence: said === 'mumble' ? 0.1 : 0.9,
        engineMs: 1,
        ...(said === 'mumble' || said === 'crash' ? {} : { intent: said }),
      });
    },
  };
}

function saying(
  dir: string,
  ...utterances: (string | undefined)[]
): (ch: FakeChannel) => string | undefined {
  let n = 0;
  return () => {
    const u = utterances[n++];
    if (u === undefined) return undefined;
    const file = join(dir, `${n}.txt`);
    writeFileSync(file, u);
    return file;
  };
}

describe('speech menus on the scripted media server', { timeout: 20_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hotline-said-'));

  it('a spoken intent picks the node; speaking stops the prompt; the audio is not kept', async () => {
    const { server, store } = setup(SPOKEN, {
      speech: textRecognizer(),
      callerSays: saying(tmp, 'tech'),
    });
    const ch = server.injectCall({ calledNumber: '4008009010' });
    const r = await finished(store, ch.id);
    expect(r.path).toEqual(['main', 'tech']);
    expect(r.turns).toBe(1);
    expect(r.timeline.map((t) => t.what)).toEqual(
      expect.arrayContaining(['barge-in', 'heard tech 0.90 in 1 ms']),
    );
    expect(server.played[0]?.completed).toBe(false);
    expect(readdirSync(server.recordingsDir)).toEqual([]);
  });

  it(
    'a media server without talk detection (FreeSWITCH) serves ' +
      'a spoken menu as a keypad menu: nothing recorded, keys work',
    async () => {
      const heard: string[] = [];
      const { server, store } = setup(SPOKEN, {
        speech: textRecognizer(heard),
        callerSays: saying(tmp, 'tech'),
      });
      Object.defineProperty(server, 'capabilities', {
        value: { ...server.capabilities, talkDetection: false },
      });
      const ch = server.injectCall({ calledNumber: '4008009010' });
      caller(server, ch, [['menu-main', '1']]);
      const r = await finished(store, ch.id);
      expect(r.path).toEqual(['main', 'billing']);
      expect(heard).toEqual([]);
      expect(server.recordings).toEqual([]);
    },
  );

  it('a key still works in a speech menu', async () => {
    const { server, store } = setup(SPOKEN, { speech: textRecognizer() });
    const ch = server.injectCall({ calledNumber: '4008009010' });
    caller(server, ch, [['menu-main', '1']]);
    expect((await finished(store, ch.id)).path).toEqual(['main', 'billing']);
  });

  it('speech that fails twice (low confidence, engine crash) falls back to the keypad', async () => {
    const heard: string[] = [];
    const { server, store } = setup(SPOKEN, {
      speech: textRecognizer(heard),
      callerSays: saying(tmp, 'mumble', 'crash'),
    });
    const ch = server.injectCall({ calledNumber: '4008009010' });
    caller(server, ch, [
      ['menu-main', ''],
      ['no-match', ''],
      ['no-match', '2'],
    ]);
    const r = await finished(store, ch.id);
    expect(heard).toEqual(['mumble', 'crash']);
    expect(r.path).toEqual(['main', 'tech']);
    expect(r.timeline.map((t) => t.what)).toEqual(
      expect.arrayContaining(['speech failed (SPEECH_FAILED)', 'speech fallback to keypad']),
    );
    expect(r.turns).toBe(3);
  });

  it('silence is no input; after the retries the menu gives up', async () => {
    const { server, store } = setup(SPOKEN, { speech: textRecognizer(), callerSays: saying(tmp) });
    const ch = server.injectCall({ calledNumber: '4008009010' });
    const r = await finished(store, ch.id);
    expect(r.path).toEqual(['main', 'bye']);
    expect(prompted(server).slice(0, 2)).toEqual(['menu-main', 'no-input+menu-main']);
  });
});
