import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type Controller } from '../../controller/main.js';
import { buildCorpus, type Language, type Utterance } from '../../tools/speech/corpus.js';
import { silentLog, waitReady } from './harness.js';
import { speakInCall, speechFlows } from '../../tools/speech/calls.js';
import { labConfig } from './lab-config.js';

describe('speech menus through real calls', () => {
  let c: Controller;
  beforeAll(async () => {
    const config = labConfig();
    c = await startController(
      { ...config, flows: { ...config.flows, dir: speechFlows() } },
      { log: silentLog, http: false },
    );
    await waitReady(c.servers[0]!);
  });
  afterAll(async () => {
    await c.stop(5000);
  });

  // Every intent once, clean, first voice: the path under test is the call (spy recording, talk
  // detection, barge-in, recognition, the branch taken). Accuracy over the whole corpus, noisy
  // and every voice included, is measured by `npm run bench:speech` (see the README).
  const sample = async (language: Language): Promise<Utterance[]> => {
    const all = await buildCorpus(language, { noisy: [false] });
    const byIntent = new Map<string, Utterance>();
    for (const u of all) if (u.intent && !byIntent.has(u.intent)) byIntent.set(u.intent, u);
    return [...byIntent.values()];
  };

  it.each(['en', 'zh'] as const)(
    'callers say what they want in %s: the prompt stops, the right node follows',
    async (language) => {
      const utterances = await sample(language);
      const results: { u: Utterance; heard: string | undefined; steps: string }[] = [];
      for (let i = 0; i < utterances.length; i += 3) {
        const batch = utterances.slice(i, i + 3);
        const heard = await Promise.all(batch.map((u) => speakInCall(c, u)));
        heard.forEach((r, k) =>
          results.push({
            u: batch[k]!,
            heard: r.heard,
            steps: r.record?.timeline.map((t) => t.what).join(' | ') ?? `no record (${r.sipp})`,
          }),
        );
      }
      const wrong = results
        .filter((r) => r.heard !== r.u.intent)
        .map((r) => `${r.u.text} -> ${r.heard ?? 'nothing'}: ${r.steps}`);
      // Five of six at least: the engine is not perfect on synthetic telephone speech, the call path must be.
      expect(wrong.length, wrong.join('\n')).toBeLessThanOrEqual(1);
      for (const r of results.filter((x) => x.heard === x.u.intent))
        expect(r.steps).toContain('barge-in');
    },
    120_000,
  );
});
