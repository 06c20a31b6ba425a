import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Intent } from '../../media/speech/types.js';

/**
 * A synthetic telephone corpus for the speech engine tests: espeak-ng voices at two speeds, plain
 * and paraphrased requests, a noisy copy of each, all resampled to 8 kHz and passed through G.711
 * A-law (and back to 16-bit) the way a call recording sounds. Files are cached under os.tmpdir() by a
 * hash of everything that shapes them, so only the first run pays for synthesis.
 */
const run = promisify(execFile);
export type Language = 'en' | 'zh';

/** The node's intents as an IVR author would write them (zh in characters). */
export const INTENTS: Record<Language, Intent[]> = {
  en: [
    { id: 'billing', phrases: ['billing', 'bill', 'pay my bill', 'payment', 'invoice', 'charges'] },
    {
      id: 'technical_support',
      phrases: [
        'technical support',
        'tech support',
        'technical problem',
        'internet is not working',
        'help with my internet',
      ],
    },
    {
      id: 'order_status',
      phrases: [
        'order status',
        'check my order status',
        'check my order',
        'where is my order',
        'track my order',
        'delivery',
      ],
    },
    {
      id: 'refund',
      phrases: ['refund', 'get a refund', 'money back', 'get my money back', 'return'],
    },
    { id: 'complaint', phrases: ['complaint', 'make a complaint', 'file a complaint', 'complain'] },
    {
      id: 'agent',
      phrases: [
        'agent',
        'speak to an agent',
        'talk to an agent',
        'talk to a person',
        'speak to someone',
        'representative',
        'operator',
      ],
    },
  ],
  zh: [
    { id: 'billing', phrases: ['账单', '查账单', '话费', '查话费', '缴费'] },
    { id: 'technical_support', phrases: ['技术支持', '网络故障', '上网有问题', '宽带坏了'] },
    {
      id: 'order_status',
      phrases: ['查询订单', '订单状态', '查询订单状态', '物流信息', '查物流', '查订单'],
    },
    { id: 'refund', phrases: ['退款', '退货', '退钱'] },
    { id: 'complaint', phrases: ['投诉', '投诉服务', '意见'] },
    { id: 'agent', phrases: ['转人工', '人工服务', '人工客服', '找人工客服', '找客服'] },
  ],
};

/** What callers say: the bare phrase and two carrier sentences per intent. `say` is what espeak reads. */
export interface Saying {
  intent: string | undefined;
  text: string;
  say: string;
}

const en = (intent: string | undefined, text: string): Saying => ({ intent, text, say: text });
const zh = (intent: string | undefined, text: string, pinyin: string): Saying => ({
  intent,
  text,
  say: pinyin,
});

export const SAYINGS: Record<Language, Saying[]> = {
  en: [
    en('billing', 'billing'),
    en('billing', 'I have a question about my bill'),
    en('billing', 'I want to pay my bill please'),
    en('technical_support', 'technical support'),
    en('technical_support', 'I need technical support'),
    en('technical_support', 'hi my internet is not working'),
    en('order_status', 'order status'),
    en('order_status', 'I would like to check my order status'),
    en('order_status', 'where is my order'),
    en('refund', 'refund'),
    en('refund', 'I want a refund'),
    en('refund', 'can I get my money back'),
    en('complaint', 'complaint'),
    en('complaint', "I'd like to make a complaint"),
    en('complaint', 'I want to file a complaint'),
    en('agent', 'speak to an agent'),
    en('agent', 'I would like to speak to an agent'),
    en('agent', 'can I talk to a person please'),
  ],
  zh: [
    zh('billing', '账单', 'zhang4 dan1'),
    zh('billing', '我想查账单', 'wo3 xiang3 cha2 zhang4 dan1'),
    zh('billing', '请帮我查话费', 'qing3 bang1 wo3 cha2 hua4 fei4'),
    zh('technical_support', '技术支持', 'ji4 shu4 zhi1 chi2'),
    zh('technical_support', '我需要技术支持', 'wo3 xu1 yao4 ji4 shu4 zhi1 chi2'),
    zh('technical_support', '你好 网络故障了', 'ni3 hao3, wang3 luo4 gu4 zhang4 le5'),
    zh('order_status', '查询订单', 'cha2 xun2 ding4 dan1'),
    zh('order_status', '我想查询订单状态', 'wo3 xiang3 cha2 xun2 ding4 dan1 zhuang4 tai4'),
    zh('order_status', '帮我查物流 谢谢', 'bang1 wo3 cha2 wu4 liu2, xie4 xie5'),
    zh('refund', '退款', 'tui4 kuan3'),
    zh('refund', '我要退款', 'wo3 yao4 tui4 kuan3'),
    zh('refund', '我想退货', 'wo3 xiang3 tui4 huo4'),
    zh('complaint', '投诉', 'tou2 su4'),
    zh('complaint', '我要投诉', 'wo3 yao4 tou2 su4'),
    zh('complaint', '喂 我想投诉服务', 'wei2, wo3 xiang3 tou2 su4 fu2 wu4'),
    zh('agent', '转人工', 'zhuan3 ren2 gong1'),
    zh('agent', '请帮我转人工', 'qing3 bang1 wo3 zhuan3 ren2 gong1'),
    zh('agent', '我想找人工客服', 'wo3 xiang3 zhao3 ren2 gong1 ke4 fu2'),
  ],
};

/** Speech about something else: every one should come back without an intent. */
export const OFF_TOPIC: Record<Language, Saying[]> = {
  en: [
    en(undefined, 'what is the weather like today'),
    en(undefined, 'hello is anyone there'),
    en(undefined, 'my dog likes to play in the garden'),
  ],
  zh: [
    zh(
      undefined,
      '你好 请问今天天气怎么样',
      'ni3 hao3, qing3 wen4 jin1 tian1 tian1 qi4 zen3 me5 yang4',
    ),
    zh(undefined, '我喜欢吃苹果', 'wo3 xi3 huan1 chi1 ping2 guo3'),
    zh(undefined, '明天会下雨吗', 'ming2 tian1 hui4 xia4 yu3 ma5'),
  ],
};

export interface Voice {
  id: string;
  args: readonly string[];
}

export const VOICES: Record<Language, Voice[]> = {
  en: [
    { id: 'en-us', args: ['-v', 'en-us'] },
    { id: 'en-gb', args: ['-v', 'en-gb'] },
    { id: 'en-us+f3', args: ['-v', 'en-us+f3'] },
  ],
  zh: [
    { id: 'cmn', args: ['-v', 'cmn-latn-pinyin'] },
    { id: 'cmn+f3', args: ['-v', 'cmn-latn-pinyin+f3', '-p', '65'] },
    { id: 'cmn+m3-low', args: ['-v', 'cmn-latn-pinyin+m3', '-p', '30'] },
  ],
};

/** Words per minute: a slow, careful caller and a quick one. */
export const SPEEDS: Record<Language, readonly number[]> = { en: [140, 190], zh: [130, 180] };
/**
 * Pink noise this many dB below the RMS of the whole file (pauses included, so about 16-18 dB
 * below the speech itself), added before the codec.
 */
export const NOISE_SNR_DB = 15;

export interface Utterance {
  language: Language;
  intent: string | undefined;
  text: string;
  voice: string;
  speed: number;
  noisy: boolean;
  wav: string;
}

export interface CorpusOptions {
  /** Defaults to the intent sayings. */
  sayings?: readonly Saying[];
  noisy?: readonly boolean[];
  cacheDir?: string;
  concurrency?: number;
}

/** Every saying × voice × speed × (clean, noisy) for a language, synthesised (or from cache). */
export async function buildCorpus(
  language: Language,
  opts: CorpusOptions = {},
): Promise<Utterance[]> {
  const specs: Omit<Utterance, 'wav'>[] = [];
  for (const s of opts.sayings ?? SAYINGS[language])
    for (const voice of VOICES[language])
      for (const speed of SPEEDS[language])
        for (const noisy of opts.noisy ?? [false, true])
          specs.push({ language, intent: s.intent, text: s.text, voice: voice.id, speed, noisy });
  const sayOf = new Map((opts.sayings ?? SAYINGS[language]).map((s) => [s.text, s.say]));
  const argsOf = new Map(VOICES[language].map((v) => [v.id, v.args]));
  return mapLimit(specs, opts.concurrency ?? 2, async (spec) => ({
    ...spec,
    wav: await synthesize(
      {
        say: sayOf.get(spec.text) ?? spec.text,
        voiceArgs: argsOf.get(spec.voice) ?? [],
        speed: spec.speed,
        noisy: spec.noisy,
      },
      opts.cacheDir,
    ),
  }));
}

export interface SynthesisSpec {
  say: string;
  voiceArgs: readonly string[];
  speed: number;
  noisy: boolean;
}

/** Bump when the pipeline below changes, so cached files are made again. */
const PIPELINE = 'v2 pad0.3/0.5 pink15dB alaw';
export const DEFAULT_CACHE_DIR = join(tmpdir(), 'hotline-speech-corpus');

/** One telephone-sounding 8 kHz mono 16-bit WAV for `spec`; returns its cached path. */
export async function synthesize(
  spec: SynthesisSpec,
  cacheDir = DEFAULT_CACHE_DIR,
): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify([PIPELINE, spec]))
    .digest('hex')
    .slice(0, 20);
  const target = join(cacheDir, `${key}.wav`);
  if (await exists(target)) return target;
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(join(cacheDir, '.work-'));
  try {
    const t = { timeout: 30_000 };
    const raw = join(work, 'raw.wav');
    await run('espeak-ng', [...spec.voiceArgs, '-s', String(spec.speed), '-w', raw, spec.say], t);
    // A recording has some silence around the words. No 300-3400 Hz band-pass: the 8 kHz models
    // need the band below 300 Hz (see the README in media/speech), which digital G.711 keeps.
    const line = join(work, 'line.wav');
    await run(
      'sox',
      [
        raw,
        '-r',
        '8000',
        '-c',
        '1',
        '-b',
        '16',
        '-e',
        'signed-integer',
        line,
        'gain',
        '-n',
        '-6',
        'pad',
        '0.3',
        '0.5',
      ],
      t,
    );
    let beforeCodec = line;
    if (spec.noisy) {
      beforeCodec = join(work, 'noisy.wav');
      await addNoise(line, beforeCodec, NOISE_SNR_DB, work);
    }
    const alaw = join(work, 'alaw.wav');
    await run('sox', [beforeCodec, '-e', 'a-law', alaw], t);
    const out = join(work, 'out.wav');
    await run('sox', [alaw, '-e', 'signed-integer', '-b', '16', out], t);
    await rename(out, target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function addNoise(input: string, output: string, snrDb: number, work: string): Promise<void> {
  const t = { timeout: 30_000 };
  const seconds = await duration(input);
  const noise = join(work, 'noise.wav');
  await run(
    'sox',
    [
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      '-e',
      'signed-integer',
      noise,
      'synth',
      String(seconds),
      'pinknoise',
      'vol',
      '0.5',
    ],
    t,
  );
  const scale = (await rms(input)) / (await rms(noise)) / 10 ** (snrDb / 20);
  await run('sox', ['-m', '-v', '1', input, '-v', scale.toFixed(5), noise, output], t);
}

async function duration(file: string): Promise<number> {
  const { stdout } = await run('soxi', ['-D', file], { timeout: 10_000 });
  return Number(stdout.trim());
}

async function rms(file: string): Promise<number> {
  // `sox ... -n stat` reports on stderr.
  const { stderr } = await run('sox', [file, '-n', 'stat'], { timeout: 10_000 });
  const m = /RMS\s+amplitude:\s+([\d.e-]+)/.exec(stderr);
  return m?.[1] ? Number(m[1]) : 0;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
