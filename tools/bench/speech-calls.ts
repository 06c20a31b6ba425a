/**
 * npm run bench:speech — the whole synthetic corpus (every saying × voice × speed × clean/noisy,
 * both languages) spoken by SIPp callers into a spoken menu on the lab, through Asterisk's spy
 * recording and the controller's recogniser. Reports intent accuracy per condition, engine time
 * per utterance and the controller's CPU per IVR call. Saves bench/results/speech-calls.json
 * (speech-calls-sample.json with BENCH_LIMIT).
 * Env: BENCH_LANGUAGES (en,zh), BENCH_LIMIT (utterances per language, default all),
 * BENCH_PARALLEL (3), HOTLINE_SPEECH_MODELS_DIR (the models).
 */
import { loadConfig } from '../../controller/config/load.js';
import { labInfra } from '../lab/lab.js';
import { createLogger } from '../../controller/log/logger.js';
import { startController } from '../../controller/main.js';
import { speakInCall, speechFlows } from '../speech/calls.js';
import { buildCorpus, type Language, type Utterance } from '../speech/corpus.js';
import { audioPcap } from '../sipp/rtp-pcap.js';
import { pauseLabController, runBench, saveResult } from './bench.js';

const languages = (process.env.BENCH_LANGUAGES ?? 'en,zh').split(',') as Language[];
const limit = Number(process.env.BENCH_LIMIT ?? Infinity);
const parallel = Number(process.env.BENCH_PARALLEL ?? 3);

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function main(): Promise<void> {
  const base = loadConfig({});
  const config = {
    ...base,
    redis: {
      ...base.redis,
      url: base.redis.url.replace(/\/\d+$/, '/14'),
      keyPrefix: 'hotline-bench:',
    },
    flows: { ...base.flows, dir: speechFlows(), watch: false },
  };
  await labInfra(config);
  const restoreLabController = await pauseLabController(config);
  const controller = await startController(config, {
    log: createLogger({ level: 'warn', name: 'bench' }),
    http: false,
  });
  try {
    for (let i = 0; i < 100 && !controller.servers[0]?.status().ready; i++)
      await new Promise((r) => setTimeout(r, 100));
    const rows: {
      u: Utterance;
      heard: string | undefined;
      engineMs: number | undefined;
      turns: number;
    }[] = [];
    const corpora = new Map<Language, Utterance[]>();
    // Audio prepared first, so the CPU measured below is the controller's, not the test's.
    for (const language of languages) {
      const corpus = (await buildCorpus(language)).slice(0, limit);
      for (const u of corpus) await audioPcap(u.wav);
      corpora.set(language, corpus);
    }
    const cpuBefore = process.cpuUsage();
    for (const language of languages) {
      const corpus = corpora.get(language) ?? [];
      process.stderr.write(
        `${language}: ${corpus.length} utterances through calls, ${parallel} at a time\n`,
      );
      for (let i = 0; i < corpus.length; i += parallel) {
        const batch = corpus.slice(i, i + parallel);
        const results = await Promise.all(batch.map((u) => speakInCall(controller, u)));
        results.forEach((r, k) => {
          const heardLine = r.record?.timeline.find((t) => t.what.startsWith('heard '))?.what;
          const engineMs = heardLine ? Number(/in (\d+) ms/.exec(heardLine)?.[1]) : undefined;
          rows.push({ u: batch[k]!, heard: r.heard, engineMs, turns: r.record?.turns ?? 0 });
        });
        process.stderr.write('.');
      }
      process.stderr.write('\n');
    }
    const cpu = process.cpuUsage(cpuBefore);
    const group = (
      key: (u: Utterance) => string,
    ): Record<string, { right: number; of: number; accuracy: number }> => {
      const out: Record<string, { right: number; of: number; accuracy: number }> = {};
      for (const r of rows) {
        const k = key(r.u);
        out[k] ??= { right: 0, of: 0, accuracy: 0 };
        out[k].of++;
        if (r.heard === r.u.intent) out[k].right++;
      }
      for (const v of Object.values(out)) v.accuracy = Number((v.right / v.of).toFixed(3));
      return out;
    };
    const engine = rows
      .map((r) => r.engineMs)
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b);
    const report = {
      at: new Date().toISOString(),
      utterances: rows.length,
      accuracy: group((u) => u.language),
      byNoise: group((u) => `${u.language} ${u.noisy ? 'noisy' : 'clean'}`),
      byVoice: group((u) => `${u.language} ${u.voice}`),
      bySpeed: group((u) => `${u.language} speed ${u.speed}`),
      engineMsPerUtterance: { p50: pct(engine, 50), p99: pct(engine, 99) },
      controllerCpuMsPerCall: Number(
        ((cpu.user + cpu.system) / 1000 / Math.max(1, rows.length)).toFixed(1),
      ),
      misses: rows
        .filter((r) => r.heard !== r.u.intent)
        .map(
          (r) =>
            `${r.u.language} "${r.u.text}" (${r.u.voice}, ${r.u.speed}, ${r.u.noisy ? 'noisy' : 'clean'}) -> ${r.heard ?? 'nothing'}`,
        ),
    };
    await saveResult(Number.isFinite(limit) ? 'speech-calls-sample' : 'speech-calls', report, {
      ...report,
      misses: report.misses.slice(0, 20),
    });
  } finally {
    await controller.stop(10_000);
    await restoreLabController();
  }
}

runBench(main);
