import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryCallRecordStore, type CallRecord } from '../../controller/calls/record.js';
import { loadConfig } from '../../controller/config/load.js';
import { runFlow } from '../../controller/ivr/engine.js';
import { loadFlowFile } from '../../controller/ivr/load.js';
import { indexPrompts } from '../../controller/ivr/prompt-index.js';
import type { VoicemailMessage } from '../../controller/ivr/requests.js';
import type { IvrDeps } from '../../controller/ivr/run-state.js';
import type { Flow } from '../../controller/ivr/schema.js';
import { welcomeFlow } from '../../controller/ivr/welcome-flow.js';
import { createLogger } from '../../controller/log/logger.js';
import type { Digit, Media } from '../../controller/media-server/types.js';
import { SessionRunner } from '../../controller/session/runner.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { readCatalogue } from '../../media/prompts.js';
import { ScriptedMediaServer } from '../fakes/scripted-media-server.js';
import { DEMO_NUMBER, demoPlan } from './demo-plan.js';

const log = createLogger({ level: 'silent', name: 't' });
const config = loadConfig({ env: {} });
const prompts = indexPrompts(await readCatalogue());
const problems: string[] = [];
const sample = loadFlowFile(
  join(PROJECT_ROOT, 'dialplan', 'flows', 'hotline-en.yaml'),
  { prompts },
  problems,
);
if (!sample) throw new Error(problems.join('\n'));
const flow: Flow = sample;

// Wednesday 9 December 2026 in Beijing (UTC+8, no summer time).
const NIGHT = new Date('2026-12-08T19:00:00Z'); // 03:00
const MORNING = new Date('2026-12-09T02:00:00Z'); // 10:00

/**
 * The sample flow on the scripted media server with the engine's clock set to `now`. The caller
 * presses the demo's keys one per menu prompt; the fake's recording ends after `recordMs` of
 * "speech", standing in for the # the SIPp caller presses.
 */
async function callAt(
  now: Date,
  keys: string,
): Promise<{ record: CallRecord; voicemails: VoicemailMessage[] }> {
  const voicemails: VoicemailMessage[] = [];
  const ivr: IvrDeps = {
    stats: {
      exit: () => Promise.resolve(),
      call: () => Promise.resolve(),
      speech: () => Promise.resolve(),
    },
    requests: {
      addCallback: () => Promise.resolve(),
      addVoicemail: (m) => Promise.resolve(void voicemails.push(m)),
    },
    regionOf: () => undefined,
    transferEndpoint: 'PJSIP/{number}@carrier',
    now: () => now,
  };
  const mediaMs = (m: Media): number => (m.type === 'prompt' && !m.id.startsWith('menu-') ? 5 : 60);
  const server = new ScriptedMediaServer({ mediaMs, recordMs: 200 });
  const store = new MemoryCallRecordStore();
  const runner = new SessionRunner({
    config,
    log,
    store,
    flow: welcomeFlow,
    flowFor: (n) => (flow.numbers.includes(n) ? (call) => runFlow(call, flow, ivr) : undefined),
    commandTimeoutMs: 1000,
  });
  runner.attach(server);
  server.start();
  const ch = server.injectCall({ calledNumber: DEMO_NUMBER });
  const queue = [...keys];
  ch.on((ev) => {
    if (ev.type !== 'playback-started') return;
    const playing = server.played.filter((p) => p.channelId === ch.id).at(-1)?.media ?? [];
    const key = queue[0];
    if (key !== undefined && playing.some((m) => m.type === 'prompt' && m.id.startsWith('menu-'))) {
      queue.shift();
      setTimeout(() => ch.press(key as Digit), 15);
    }
  });
  for (let i = 0; i < 500; i++) {
    const record = await store.get(ch.id);
    if (record?.state === 'ended') return { record, voicemails };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('call did not end');
}

describe('hotline lab up --demo follows the sample flow at any hour', { timeout: 20_000 }, () => {
  it('at 03:00 in Beijing: the closed path, voicemail expected, and the engine ends there', async () => {
    const plan = demoPlan(flow, NIGHT);
    expect(plan.open).toBe(false);
    expect(plan.expect).toEqual(['voicemail']);
    expect(plan.because).toBe('outside opening hours (08:00–22:00 Asia/Shanghai; 03:00 there now)');
    expect(plan.dtmf.endsWith('#')).toBe(true);
    const { record, voicemails } = await callAt(NIGHT, plan.dtmf.replace(/[,#]/g, ''));
    expect(record.path).toEqual(['answer', 'hours', 'after-hours']);
    expect(plan.expect).toContain(record.outcome);
    // The check has teeth: the in-hours expectation would call this a failure.
    expect(demoPlan(flow, MORNING).expect).not.toContain(record.outcome);
    expect(voicemails.map((v) => v.mailbox)).toEqual(['after-hours']);
  });

  it('at 10:00 in Beijing: billing and the balance, completed expected, and the engine ends there', async () => {
    const plan = demoPlan(flow, MORNING);
    expect(plan.open).toBe(true);
    expect(plan.expect).toEqual(['completed']);
    expect(plan.because).toBe('within opening hours (08:00–22:00 Asia/Shanghai; 10:00 there now)');
    const { record, voicemails } = await callAt(MORNING, plan.dtmf.replaceAll(',', ''));
    expect(record.path).toEqual(['answer', 'hours', 'main', 'billing', 'balance', 'goodbye']);
    expect(plan.expect).toContain(record.outcome);
    expect(voicemails).toEqual([]);
  });

  it('says a holiday is a holiday, and a flow without opening hours is always open', () => {
    expect(demoPlan(flow, new Date('2027-01-01T02:00:00Z')).because).toBe(
      'closed for a holiday (2027-01-01, Asia/Shanghai)',
    );
    const always: Flow = {
      ...flow,
      calendars: {},
      nodes: { answer: { verb: 'answer', next: 'main' }, main: flow.nodes.main },
    } as Flow;
    expect(demoPlan(always, NIGHT)).toMatchObject({
      open: true,
      because: 'the flow has no opening hours',
    });
  });
});
