import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isHotlineError } from '../lib/errors.js';
import { CATALOGUE, FRAGMENTS, readCatalogue, type PromptEntry } from './prompts.js';
import {
  SAY_FRAGMENT_IDS,
  SAY_FRAGMENT_IDS_BY_LANGUAGE,
  sayFragments,
  type SayKind,
  type SayLanguage,
} from './say.js';

/** [value, what a listener hears, the fragment ids]: the reading column keeps the ids reviewable. */
type Case = [value: string, reading: string, ids: string[]];

// English readings come from the catalogue's own text, so they check fragments.yaml too.
let englishText = new Map<string, string>();
beforeAll(async () => {
  const entries = await readCatalogue(FRAGMENTS);
  englishText = new Map(
    entries.flatMap((e) => (e.language === 'en' ? [[e.id, e.text] as const] : [])),
  );
});

// Mandarin readings as characters, which a reviewer reads faster than pinyin.
const ZH_DIGITS = [...'零一二三四五六七八九'];
const HANZI: Record<string, string> = {
  ...Object.fromEntries(ZH_DIGITS.map((c, i) => [`n-${i}`, c])),
  'n-10': '十',
  ...Object.fromEntries(ZH_DIGITS.slice(1).map((c, i) => [`n-${11 + i}`, `十${c}`])),
  ...Object.fromEntries(ZH_DIGITS.slice(2).map((c, i) => [`n-${(2 + i) * 10}`, `${c}十`])),
  'n-hundred': '百',
  'n-thousand': '千',
  'zh-wan': '万',
  'zh-yi': '亿',
  minus: '负',
  point: '点',
  yuan: '元',
  'zh-jiao': '角',
  'zh-fen': '分',
  'zh-zheng': '整',
  'zh-yao': '幺',
  'zh-liang': '两',
  'zh-nian': '年',
  'zh-yue': '月',
  'zh-ri': '日',
  'zh-dian': '点',
  'zh-lingchen': '凌晨',
  'zh-shangwu': '上午',
  'zh-zhongwu': '中午',
  'zh-xiawu': '下午',
  'zh-wanshang': '晚上',
};

function reading(ids: string[], language: SayLanguage): string {
  if (language === 'zh') return ids.map((id) => HANZI[id] ?? `<${id}>`).join('');
  return ids.map((id) => englishText.get(id) ?? `<${id}>`).join(' ');
}

function says(kind: SayKind, language: SayLanguage, cases: Case[]): void {
  it.each(cases)('%s → %s', (value, heard, ids) => {
    const got = sayFragments(kind, value, language);
    expect(got).toEqual(ids);
    expect(reading(got, language)).toBe(heard);
  });
}

describe('digits', () => {
  describe('en', () =>
    says('digits', 'en', [
      ['0', 'zero', ['n-0']],
      ['138', 'one three eight', ['n-1', 'n-3', 'n-8']],
      ['0100', 'zero one zero zero', ['n-0', 'n-1', 'n-0', 'n-0']],
    ]));
  describe('zh (1 is 幺)', () =>
    says('digits', 'zh', [
      ['0', '零', ['n-0']],
      ['138', '幺三八', ['zh-yao', 'n-3', 'n-8']],
      [
        '4008123456',
        '四零零八幺二三四五六',
        ['n-4', 'n-0', 'n-0', 'n-8', 'zh-yao', 'n-2', 'n-3', 'n-4', 'n-5', 'n-6'],
      ],
    ]));
});

describe('number', () => {
  describe('en', () =>
    says('number', 'en', [
      ['0', 'zero', ['n-0']],
      ['7', 'seven', ['n-7']],
      ['007', 'seven', ['n-7']],
      ['10', 'ten', ['n-10']],
      ['11', 'eleven', ['n-11']],
      ['15', 'fifteen', ['n-15']],
      ['20', 'twenty', ['n-20']],
      ['21', 'twenty one', ['n-20', 'n-1']],
      ['100', 'one hundred', ['n-1', 'n-hundred']],
      ['101', 'one hundred one', ['n-1', 'n-hundred', 'n-1']],
      ['110', 'one hundred ten', ['n-1', 'n-hundred', 'n-10']],
      ['999', 'nine hundred ninety nine', ['n-9', 'n-hundred', 'n-90', 'n-9']],
      ['1000', 'one thousand', ['n-1', 'n-thousand']],
      ['1005', 'one thousand five', ['n-1', 'n-thousand', 'n-5']],
      ['10010', 'ten thousand ten', ['n-10', 'n-thousand', 'n-10']],
      ['100000', 'one hundred thousand', ['n-1', 'n-hundred', 'n-thousand']],
      ['1000000', 'one million', ['n-1', 'en-million']],
      ['100000000', 'one hundred million', ['n-1', 'n-hundred', 'en-million']],
      ['120000000', 'one hundred twenty million', ['n-1', 'n-hundred', 'n-20', 'en-million']],
      ['1000000001', 'one billion one', ['n-1', 'en-billion', 'n-1']],
      [
        '999999999999',
        'nine hundred ninety nine billion nine hundred ninety nine million ' +
          'nine hundred ninety nine thousand nine hundred ninety nine',
        [
          'n-9',
          'n-hundred',
          'n-90',
          'n-9',
          'en-billion',
          'n-9',
          'n-hundred',
          'n-90',
          'n-9',
          'en-million',
          'n-9',
          'n-hundred',
          'n-90',
          'n-9',
          'n-thousand',
          'n-9',
          'n-hundred',
          'n-90',
          'n-9',
        ],
      ],
      ['-5', 'minus five', ['minus', 'n-5']],
      ['-0', 'zero', ['n-0']],
      ['-0.00', 'zero point zero zero', ['n-0', 'point', 'n-0', 'n-0']],
      ['3.14', 'three point one four', ['n-3', 'point', 'n-1', 'n-4']],
      ['0.05', 'zero point zero five', ['n-0', 'point', 'n-0', 'n-5']],
      ['-12.5', 'minus twelve point five', ['minus', 'n-12', 'point', 'n-5']],
    ]));
  describe('zh', () =>
    says('number', 'zh', [
      ['0', '零', ['n-0']],
      ['2', '二', ['n-2']],
      ['10', '十', ['n-10']],
      ['11', '十一', ['n-11']],
      ['15', '十五', ['n-15']],
      ['20', '二十', ['n-20']],
      ['21', '二十一', ['n-20', 'n-1']],
      ['100', '一百', ['n-1', 'n-hundred']],
      ['101', '一百零一', ['n-1', 'n-hundred', 'n-0', 'n-1']],
      ['110', '一百一十', ['n-1', 'n-hundred', 'n-1', 'n-10']],
      ['115', '一百一十五', ['n-1', 'n-hundred', 'n-1', 'n-15']],
      ['200', '二百', ['n-2', 'n-hundred']],
      ['1000', '一千', ['n-1', 'n-thousand']],
      ['1005', '一千零五', ['n-1', 'n-thousand', 'n-0', 'n-5']],
      ['1010', '一千零一十', ['n-1', 'n-thousand', 'n-0', 'n-1', 'n-10']],
      ['1200', '一千二百', ['n-1', 'n-thousand', 'n-2', 'n-hundred']],
      ['10010', '一万零一十', ['n-1', 'zh-wan', 'n-0', 'n-1', 'n-10']],
      ['100000', '十万', ['n-10', 'zh-wan']],
      ['101000', '十万一千', ['n-10', 'zh-wan', 'n-1', 'n-thousand']],
      ['100500', '十万零五百', ['n-10', 'zh-wan', 'n-0', 'n-5', 'n-hundred']],
      ['1000000', '一百万', ['n-1', 'n-hundred', 'zh-wan']],
      ['10000000', '一千万', ['n-1', 'n-thousand', 'zh-wan']],
      ['100000000', '一亿', ['n-1', 'zh-yi']],
      ['100000001', '一亿零一', ['n-1', 'zh-yi', 'n-0', 'n-1']],
      ['100010000', '一亿零一万', ['n-1', 'zh-yi', 'n-0', 'n-1', 'zh-wan']],
      ['120000000', '一亿二千万', ['n-1', 'zh-yi', 'n-2', 'n-thousand', 'zh-wan']],
      ['1000000000', '十亿', ['n-10', 'zh-yi']],
      [
        '999999999999',
        '九千九百九十九亿九千九百九十九万九千九百九十九',
        [
          'n-9',
          'n-thousand',
          'n-9',
          'n-hundred',
          'n-90',
          'n-9',
          'zh-yi',
          'n-9',
          'n-thousand',
          'n-9',
          'n-hundred',
          'n-90',
          'n-9',
          'zh-wan',
          'n-9',
          'n-thousand',
          'n-9',
          'n-hundred',
          'n-90',
          'n-9',
        ],
      ],
      ['-5', '负五', ['minus', 'n-5']],
      ['3.14', '三点一四', ['n-3', 'point', 'n-1', 'n-4']],
      ['10.5', '十点五', ['n-10', 'point', 'n-5']],
      ['0.01', '零点零一', ['n-0', 'point', 'n-0', 'n-1']],
    ]));
});

describe('amount', () => {
  describe('en', () =>
    says('amount', 'en', [
      [
        '1234.56',
        'one thousand two hundred thirty four yuan and fifty six cents',
        [
          'n-1',
          'n-thousand',
          'n-2',
          'n-hundred',
          'n-30',
          'n-4',
          'yuan',
          'en-and',
          'n-50',
          'n-6',
          'en-cents',
        ],
      ],
      ['12', 'twelve yuan', ['n-12', 'yuan']],
      ['12.00', 'twelve yuan', ['n-12', 'yuan']],
      ['12.05', 'twelve yuan and five cents', ['n-12', 'yuan', 'en-and', 'n-5', 'en-cents']],
      ['12.5', 'twelve yuan and fifty cents', ['n-12', 'yuan', 'en-and', 'n-50', 'en-cents']],
      ['1.01', 'one yuan and one cent', ['n-1', 'yuan', 'en-and', 'n-1', 'en-cent']],
      ['0.5', 'fifty cents', ['n-50', 'en-cents']],
      ['0.01', 'one cent', ['n-1', 'en-cent']],
      ['0', 'zero yuan', ['n-0', 'yuan']],
      ['0.00', 'zero yuan', ['n-0', 'yuan']],
    ]));
  describe('zh', () =>
    says('amount', 'zh', [
      [
        '1234.56',
        '一千二百三十四元五角六分',
        [
          'n-1',
          'n-thousand',
          'n-2',
          'n-hundred',
          'n-30',
          'n-4',
          'yuan',
          'n-5',
          'zh-jiao',
          'n-6',
          'zh-fen',
        ],
      ],
      ['12', '十二元整', ['n-12', 'yuan', 'zh-zheng']],
      ['12.00', '十二元整', ['n-12', 'yuan', 'zh-zheng']],
      ['12.05', '十二元零五分', ['n-12', 'yuan', 'n-0', 'n-5', 'zh-fen']],
      ['12.5', '十二元五角', ['n-12', 'yuan', 'n-5', 'zh-jiao']],
      ['12.50', '十二元五角', ['n-12', 'yuan', 'n-5', 'zh-jiao']],
      ['10.06', '十元零六分', ['n-10', 'yuan', 'n-0', 'n-6', 'zh-fen']],
      ['0.5', '五角', ['n-5', 'zh-jiao']],
      ['0.56', '五角六分', ['n-5', 'zh-jiao', 'n-6', 'zh-fen']],
      ['0.05', '五分', ['n-5', 'zh-fen']],
      ['0', '零元整', ['n-0', 'yuan', 'zh-zheng']],
      ['20000', '二万元整', ['n-2', 'zh-wan', 'yuan', 'zh-zheng']],
    ]));
});

describe('date', () => {
  describe('en', () =>
    says('date', 'en', [
      [
        '2026-11-25',
        'November twenty fifth twenty twenty six',
        ['en-november', 'n-20', 'en-ord-5', 'n-20', 'n-20', 'n-6'],
      ],
      ['2000-01-01', 'January first two thousand', ['en-january', 'en-ord-1', 'n-2', 'n-thousand']],
      [
        '2005-03-02',
        'March second two thousand five',
        ['en-march', 'en-ord-2', 'n-2', 'n-thousand', 'n-5'],
      ],
      ['2010-04-03', 'April third twenty ten', ['en-april', 'en-ord-3', 'n-20', 'n-10']],
      [
        '1999-12-31',
        'December thirty first nineteen ninety nine',
        ['en-december', 'n-30', 'en-ord-1', 'n-19', 'n-90', 'n-9'],
      ],
      ['1900-05-11', 'May eleventh nineteen hundred', ['en-may', 'en-ord-11', 'n-19', 'n-hundred']],
      [
        '1905-06-12',
        'June twelfth nineteen oh five',
        ['en-june', 'en-ord-12', 'n-19', 'en-oh', 'n-5'],
      ],
      [
        '2026-07-13',
        'July thirteenth twenty twenty six',
        ['en-july', 'en-ord-13', 'n-20', 'n-20', 'n-6'],
      ],
      [
        '2026-08-20',
        'August twentieth twenty twenty six',
        ['en-august', 'en-ord-20', 'n-20', 'n-20', 'n-6'],
      ],
      [
        '2026-09-21',
        'September twenty first twenty twenty six',
        ['en-september', 'n-20', 'en-ord-1', 'n-20', 'n-20', 'n-6'],
      ],
      [
        '2026-10-22',
        'October twenty second twenty twenty six',
        ['en-october', 'n-20', 'en-ord-2', 'n-20', 'n-20', 'n-6'],
      ],
      [
        '2026-10-23',
        'October twenty third twenty twenty six',
        ['en-october', 'n-20', 'en-ord-3', 'n-20', 'n-20', 'n-6'],
      ],
      [
        '2024-02-29',
        'February twenty ninth twenty twenty four',
        ['en-february', 'n-20', 'en-ord-9', 'n-20', 'n-20', 'n-4'],
      ],
      [
        '2026-04-30',
        'April thirtieth twenty twenty six',
        ['en-april', 'en-ord-30', 'n-20', 'n-20', 'n-6'],
      ],
    ]));
  describe('zh', () =>
    says('date', 'zh', [
      [
        '2026-11-25',
        '二零二六年十一月二十五日',
        ['n-2', 'n-0', 'n-2', 'n-6', 'zh-nian', 'n-11', 'zh-yue', 'n-20', 'n-5', 'zh-ri'],
      ],
      [
        '2000-01-01',
        '二零零零年一月一日',
        ['n-2', 'n-0', 'n-0', 'n-0', 'zh-nian', 'n-1', 'zh-yue', 'n-1', 'zh-ri'],
      ],
      [
        '2005-10-10',
        '二零零五年十月十日',
        ['n-2', 'n-0', 'n-0', 'n-5', 'zh-nian', 'n-10', 'zh-yue', 'n-10', 'zh-ri'],
      ],
      [
        '1999-12-31',
        '一九九九年十二月三十一日',
        ['n-1', 'n-9', 'n-9', 'n-9', 'zh-nian', 'n-12', 'zh-yue', 'n-30', 'n-1', 'zh-ri'],
      ],
    ]));
});

describe('time', () => {
  describe('en', () =>
    says('time', 'en', [
      ['00:00', "twelve o'clock a.m.", ['n-12', 'en-oclock', 'en-am']],
      ['00:05', 'twelve oh five a.m.', ['n-12', 'en-oh', 'n-5', 'en-am']],
      ['11:15', 'eleven fifteen a.m.', ['n-11', 'n-15', 'en-am']],
      ['12:00', "twelve o'clock p.m.", ['n-12', 'en-oclock', 'en-pm']],
      ['12:30', 'twelve thirty p.m.', ['n-12', 'n-30', 'en-pm']],
      ['13:05', 'one oh five p.m.', ['n-1', 'en-oh', 'n-5', 'en-pm']],
      ['15:00', "three o'clock p.m.", ['n-3', 'en-oclock', 'en-pm']],
      ['15:30', 'three thirty p.m.', ['n-3', 'n-30', 'en-pm']],
      ['23:59', 'eleven fifty nine p.m.', ['n-11', 'n-50', 'n-9', 'en-pm']],
    ]));
  describe('zh', () =>
    says('time', 'zh', [
      ['00:00', '凌晨零点整', ['zh-lingchen', 'n-0', 'zh-dian', 'zh-zheng']],
      ['00:05', '凌晨零点零五分', ['zh-lingchen', 'n-0', 'zh-dian', 'n-0', 'n-5', 'zh-fen']],
      ['02:00', '凌晨两点整', ['zh-lingchen', 'zh-liang', 'zh-dian', 'zh-zheng']],
      ['08:15', '上午八点十五分', ['zh-shangwu', 'n-8', 'zh-dian', 'n-15', 'zh-fen']],
      ['12:00', '中午十二点整', ['zh-zhongwu', 'n-12', 'zh-dian', 'zh-zheng']],
      ['12:30', '中午十二点三十分', ['zh-zhongwu', 'n-12', 'zh-dian', 'n-30', 'zh-fen']],
      ['13:05', '下午一点零五分', ['zh-xiawu', 'n-1', 'zh-dian', 'n-0', 'n-5', 'zh-fen']],
      ['14:02', '下午两点零二分', ['zh-xiawu', 'zh-liang', 'zh-dian', 'n-0', 'n-2', 'zh-fen']],
      ['18:20', '晚上六点二十分', ['zh-wanshang', 'n-6', 'zh-dian', 'n-20', 'zh-fen']],
      ['23:59', '晚上十一点五十九分', ['zh-wanshang', 'n-11', 'zh-dian', 'n-50', 'n-9', 'zh-fen']],
    ]));
});

describe('values that cannot be said', () => {
  const bad: [SayKind, string][] = [
    ...['', '12a', '1 2', '-1', '+86', '1.5'].map((v): [SayKind, string] => ['digits', v]),
    ...[
      '',
      'abc',
      '1e3',
      '1.',
      '.5',
      '+5',
      '--1',
      ' 1',
      '1,000',
      '1000000000000',
      '-1000000000000',
    ].map((v): [SayKind, string] => ['number', v]),
    ...['', '-5', '1.234', '1.', '.5', '¥5', '1000000000000', '1000000000000.00'].map(
      (v): [SayKind, string] => ['amount', v],
    ),
    ...[
      '2026-13-01',
      '2026-00-10',
      '2026-02-30',
      '2025-02-29',
      '2026-04-31',
      '2026-11-00',
      '2026-1-5',
      '0999-01-01',
      '26-11-25',
      '2026-11-25T00:00',
    ].map((v): [SayKind, string] => ['date', v]),
    ...['24:00', '12:60', '9:05', '12:5', '1205', '12:05:00', ''].map((v): [SayKind, string] => [
      'time',
      v,
    ]),
  ];
  it.each(bad)('%s %j throws FLOW_INVALID in both languages', (kind, value) => {
    for (const language of ['en', 'zh'] as const) {
      let err: unknown;
      try {
        sayFragments(kind, value, language);
      } catch (e) {
        err = e;
      }
      expect(isHotlineError(err, 'FLOW_INVALID')).toBe(true);
    }
  });
});

describe('the fragment catalogue', () => {
  const languages = ['en', 'zh'] as const;
  const idsOf = (entries: PromptEntry[], language: SayLanguage) =>
    new Set(entries.filter((e) => e.language === language).map((e) => e.id));

  it('SAY_FRAGMENT_IDS is every language’s ids, once each, in the prompt id format', () => {
    const union = new Set(languages.flatMap((l) => SAY_FRAGMENT_IDS_BY_LANGUAGE[l]));
    expect(new Set(SAY_FRAGMENT_IDS)).toEqual(union);
    expect(SAY_FRAGMENT_IDS).toHaveLength(union.size);
    for (const id of SAY_FRAGMENT_IDS) expect(id).toMatch(/^[a-z0-9_-]+$/);
  });

  it('unprefixed ids are shared; en- and zh- ids belong to one language', () => {
    for (const id of SAY_FRAGMENT_IDS) {
      const owner = /^(en|zh)-/.exec(id)?.[1];
      for (const l of languages)
        expect(SAY_FRAGMENT_IDS_BY_LANGUAGE[l].includes(id), `${l}/${id}`).toBe(
          owner === undefined || owner === l,
        );
    }
  });

  it.each(languages)('readCatalogue() records every %s fragment', async (language) => {
    const recorded = idsOf(await readCatalogue(), language);
    expect(SAY_FRAGMENT_IDS_BY_LANGUAGE[language].filter((id) => !recorded.has(id))).toEqual([]);
  });

  it.each(languages)(
    'fragments.yaml holds exactly the %s fragments, nothing stale',
    async (language) => {
      expect(idsOf(await readCatalogue(FRAGMENTS), language)).toEqual(
        new Set(SAY_FRAGMENT_IDS_BY_LANGUAGE[language]),
      );
    },
  );

  it.each(languages)('sayFragments(…, %s) returns every listed id, and only those', (language) => {
    const values: [SayKind, string][] = [
      ['digits', '0123456789'],
      ...Array.from({ length: 2001 }, (_, n): [SayKind, string] => ['number', String(n)]),
      ...['100000000', '1000000', '1000000000', '-1', '1.5'].map((v): [SayKind, string] => [
        'number',
        v,
      ]),
      ...['0.01', '0.11', '1.10', '1.01', '3'].map((v): [SayKind, string] => ['amount', v]),
      ...Array.from({ length: 366 }, (_, d): [SayKind, string] => [
        'date',
        new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10),
      ]),
      ...['1900-01-01', '1905-01-01', '2000-01-01', '2005-01-01', '2010-01-01'].map(
        (v): [SayKind, string] => ['date', v],
      ),
      ...Array.from({ length: 24 * 60 }, (_, m): [SayKind, string] => [
        'time',
        `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`,
      ]),
    ];
    const said = new Set(values.flatMap(([kind, value]) => sayFragments(kind, value, language)));
    expect(said).toEqual(new Set(SAY_FRAGMENT_IDS_BY_LANGUAGE[language]));
  });
});

describe('readCatalogue', () => {
  it('still reads a single file on its own', async () => {
    const ids = new Set((await readCatalogue(CATALOGUE)).map((e) => e.id));
    expect(ids.has('welcome')).toBe(true);
    expect(ids.has('n-0')).toBe(false);
  });

  it('rejects an id recorded twice for one language across files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hotline-prompts-'));
    try {
      const a = join(dir, 'a.yaml');
      const b = join(dir, 'b.yaml');
      await writeFile(
        a,
        'prompts:\n  - { id: hello, language: en, text: Hello }\n  - { id: hello, language: zh, pinyin: ni3 hao3 }\n',
      );
      await writeFile(b, 'prompts:\n  - { id: hello, language: en, text: Hi }\n');
      const err = await readCatalogue([a, b]).catch((e: unknown) => e);
      expect(isHotlineError(err, 'CONFIG_INVALID')).toBe(true);
      expect(String(err)).toContain('en/hello');
      expect(await readCatalogue([a])).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
