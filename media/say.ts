/**
 * Say digits, numbers, yuan amounts, dates and times in English or Mandarin by concatenating short
 * recorded fragments, as Asterisk's say.c does: whole sentences cannot be recorded in advance,
 * a few dozen words can. Pure: the result is a list of prompt ids; the language picks the audio.
 *
 * Ids: unprefixed ids (`n-0`..`n-19`, `n-20`..`n-90`, `n-hundred`, `n-thousand`, `minus`,
 * `point`, `yuan`) are said in both languages and recorded in both. `en-*` and `zh-*` ids are
 * said only in that language and exist only in its catalogue (SAY_FRAGMENT_IDS_BY_LANGUAGE).
 *
 * Reading rules:
 * - digits: one by one; zh says 1 as 幺 (yao1), as Chinese hotlines read phone and order numbers.
 * - number: integers up to 999,999,999,999, "minus", decimals as "point" and then digit by digit.
 *   en is US style, without "and". zh groups by 万/亿, says one 零 per run of inner zeros, a leading
 *   一十 as 十, and always 二 (never 两) for 2, which is correct everywhere a number is read.
 * - amount: yuan with up to two decimals. en "<n> yuan and <n> cents" (a zero part left out);
 *   zh 元/角/分, 零 before 分 when 角 is 0 and there are yuan, 整 when there are no 角 and 分.
 * - date: YYYY-MM-DD, years 1000-9999. en "<month> <ordinal day> <year>", years in pairs
 *   (twenty twenty six, nineteen oh five, nineteen hundred) except X00Y (two thousand five);
 *   zh year digit by digit, then 年, month 月, day 日.
 * - time: HH:MM, 24 h. en 12-hour clock, "o'clock" for :00, "oh" before :01-:09, then a.m./p.m.
 *   zh 凌晨 0-5, 上午 6-11, 中午 12, 下午 13-17, 晚上 18-23; then the hour on a 12-hour clock
 *   (0 stays 零, 2 is 两), 点, then 整 for :00 or the minutes (零 before :01-:09) and 分.
 */
import { HotlineError } from '../lib/errors.js';

export type SayKind = 'digits' | 'number' | 'amount' | 'date' | 'time';
export type SayLanguage = 'en' | 'zh';

/** What each kind of value says, once validated. */
export interface SayValues {
  digits: string;
  number: { negative: boolean; integer: number; fraction: string };
  amount: { yuan: number; cents: number };
  date: { year: number; month: number; day: number };
  time: { hour: number; minute: number };
}

const MAX_INTEGER = 999_999_999_999;

function invalid(kind: SayKind, value: string, why: string): HotlineError {
  return new HotlineError(
    'FLOW_INVALID',
    `[say] cannot say ${JSON.stringify(value)} as ${kind}: ${why}`,
    {
      details: { kind, value },
    },
  );
}

function integerPart(kind: SayKind, value: string, digits: string): number {
  const n = Number(digits);
  if (n > MAX_INTEGER) throw invalid(kind, value, 'above 999,999,999,999');
  return n;
}

const PARSERS: { [K in SayKind]: (value: string) => SayValues[K] } = {
  digits: (value) => {
    if (!/^\d+$/.test(value)) throw invalid('digits', value, 'expected only the digits 0-9');
    return value;
  },
  number: (value) => {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
    if (!m) throw invalid('number', value, 'expected an integer or decimal such as -12 or 3.14');
    const [, sign, int = '', fraction = ''] = m;
    const integer = integerPart('number', value, int);
    // "-0" and "-0.00" are zero, said without "minus".
    return { negative: sign === '-' && (integer > 0 || /[1-9]/.test(fraction)), integer, fraction };
  },
  amount: (value) => {
    const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value);
    if (!m) throw invalid('amount', value, 'expected yuan with up to two decimals such as 12.5');
    const [, int = '', fraction = ''] = m;
    return { yuan: integerPart('amount', value, int), cents: Number(fraction.padEnd(2, '0')) };
  },
  date: (value) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) throw invalid('date', value, 'expected YYYY-MM-DD');
    const [year, month, day] = m.slice(1).map(Number) as [number, number, number];
    if (year < 1000) throw invalid('date', value, 'years before 1000 are not said');
    if (month < 1 || month > 12) throw invalid('date', value, 'no such month');
    // Day 0 of the next month is the last day of this one (leap years included).
    if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate())
      throw invalid('date', value, 'no such day');
    return { year, month, day };
  },
  time: (value) => {
    const m = /^(\d{2}):(\d{2})$/.exec(value);
    if (!m) throw invalid('time', value, 'expected HH:MM');
    const [hour, minute] = m.slice(1).map(Number) as [number, number];
    if (hour > 23 || minute > 59) throw invalid('time', value, 'no such time of day');
    return { hour, minute };
  },
};

/** Validates `value` for `kind`; throws FLOW_INVALID when it cannot be said. */
export function parseSayValue<K extends SayKind>(kind: K, value: string): SayValues[K] {
  const parse: (typeof PARSERS)[K] = PARSERS[kind];
  return parse(value);
}

type Readers = { [K in SayKind]: (value: SayValues[K]) => string[] };

const digit = (d: string | number): string => `n-${d}`;

// ---- English ----

function enBelow100(n: number): string[] {
  if (n < 20 || n % 10 === 0) return [digit(n)];
  return [digit(n - (n % 10)), digit(n % 10)];
}

function enBelow1000(n: number): string[] {
  const hundreds = Math.floor(n / 100);
  return [
    ...(hundreds ? [digit(hundreds), 'n-hundred'] : []),
    ...(n % 100 ? enBelow100(n % 100) : []),
  ];
}

const EN_SCALES = [
  [1e9, 'en-billion'],
  [1e6, 'en-million'],
  [1e3, 'n-thousand'],
  [1, undefined],
] as const;

function enInteger(n: number): string[] {
  if (n === 0) return [digit(0)];
  return EN_SCALES.flatMap(([size, scale]) => {
    const group = Math.floor(n / size) % 1000;
    if (!group) return [];
    return scale ? [...enBelow1000(group), scale] : enBelow1000(group);
  });
}

function enYear(year: number): string[] {
  const high = Math.floor(year / 100);
  const low = year % 100;
  if (year % 1000 < 10) return enInteger(year); // 2000, 2005: "two thousand five"
  if (low === 0) return [...enBelow100(high), 'n-hundred']; // 1900: "nineteen hundred"
  return [...enBelow100(high), ...(low < 10 ? ['en-oh', digit(low)] : enBelow100(low))];
}

/** Days 1-31: "first".."nineteenth", "twentieth", "thirtieth", else "twenty" + "first".. */
function enOrdinal(n: number): string[] {
  if (n < 20 || n % 10 === 0) return [`en-ord-${n}`];
  return [digit(n - (n % 10)), `en-ord-${n % 10}`];
}

const EN_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
].map((m) => `en-${m}`);

const EN: Readers = {
  digits: (value) => [...value].map(digit),
  number: ({ negative, integer, fraction }) => [
    ...(negative ? ['minus'] : []),
    ...enInteger(integer),
    ...(fraction ? ['point', ...[...fraction].map(digit)] : []),
  ],
  amount: ({ yuan, cents }) => {
    if (!cents) return [...enInteger(yuan), 'yuan'];
    const centWords = [...enBelow100(cents), cents === 1 ? 'en-cent' : 'en-cents'];
    return yuan ? [...enInteger(yuan), 'yuan', 'en-and', ...centWords] : centWords;
  },
  date: ({ year, month, day }) => [
    ...EN_MONTHS.slice(month - 1, month),
    ...enOrdinal(day),
    ...enYear(year),
  ],
  time: ({ hour, minute }) => [
    ...enInteger(hour % 12 || 12),
    ...(minute === 0 ? ['en-oclock'] : minute < 10 ? ['en-oh', digit(minute)] : enBelow100(minute)),
    hour < 12 ? 'en-am' : 'en-pm',
  ],
};

// ---- Mandarin ----

const ZH_GROUPS = [
  [1e8, 'zh-yi'],
  [1e4, 'zh-wan'],
  [1, undefined],
] as const;
const ZH_PLACES = [
  [1000, 'n-thousand'],
  [100, 'n-hundred'],
] as const;

/**
 * Four-digit groups under 亿 and 万. Zeros since the last spoken digit owe one 零, paid before the
 * next spoken digit; zeros a group unit swallows (the end of 一千万) owe nothing. 十 is said as
 * 十 at the start of the number and 一十 elsewhere (十万, 一百一十).
 */
function zhInteger(n: number): string[] {
  if (n === 0) return [digit(0)];
  const out: string[] = [];
  let owesZero = false;
  const say = (...ids: string[]): void => {
    if (owesZero) out.push(digit(0));
    owesZero = false;
    out.push(...ids);
  };
  for (const [size, unit] of ZH_GROUPS) {
    const group = Math.floor(n / size) % 10000;
    for (const [place, id] of ZH_PLACES) {
      const d = Math.floor(group / place) % 10;
      if (d) say(digit(d), id);
      else if (out.length) owesZero = true;
    }
    const tens = Math.floor(group / 10) % 10;
    const ones = group % 10;
    if (tens === 1) say(...(out.length ? [digit(1)] : []), digit(10 + ones));
    else if (tens > 1) say(digit(tens * 10), ...(ones ? [digit(ones)] : []));
    else {
      if (out.length) owesZero = true;
      if (ones) say(digit(ones));
    }
    if (group && unit) {
      out.push(unit);
      owesZero = false;
    }
  }
  return out;
}

function zhPeriod(hour: number): string {
  if (hour < 6) return 'zh-lingchen';
  if (hour < 12) return 'zh-shangwu';
  if (hour === 12) return 'zh-zhongwu';
  return hour < 18 ? 'zh-xiawu' : 'zh-wanshang';
}

const ZH: Readers = {
  digits: (value) => [...value].map((d) => (d === '1' ? 'zh-yao' : digit(d))),
  number: ({ negative, integer, fraction }) => [
    ...(negative ? ['minus'] : []),
    ...zhInteger(integer),
    ...(fraction ? ['point', ...[...fraction].map(digit)] : []),
  ],
  amount: ({ yuan, cents }) => {
    if (!cents) return [...zhInteger(yuan), 'yuan', 'zh-zheng'];
    const jiao = Math.floor(cents / 10);
    const fen = cents % 10;
    return [
      ...(yuan ? [...zhInteger(yuan), 'yuan'] : []),
      ...(jiao ? [digit(jiao), 'zh-jiao'] : yuan ? [digit(0)] : []),
      ...(fen ? [digit(fen), 'zh-fen'] : []),
    ];
  },
  date: ({ year, month, day }) => [
    ...[...String(year)].map(digit),
    'zh-nian',
    ...zhInteger(month),
    'zh-yue',
    ...zhInteger(day),
    'zh-ri',
  ],
  time: ({ hour, minute }) => {
    const clock = hour > 12 ? hour - 12 : hour;
    return [
      zhPeriod(hour),
      ...(clock === 2 ? ['zh-liang'] : zhInteger(clock)),
      'zh-dian',
      ...(minute === 0
        ? ['zh-zheng']
        : [...(minute < 10 ? [digit(0), digit(minute)] : zhInteger(minute)), 'zh-fen']),
    ];
  },
};

const READERS: Record<SayLanguage, Readers> = { en: EN, zh: ZH };

/** The prompt ids that say `value` as `kind` in `language`, in order. Throws FLOW_INVALID. */
export function sayFragments<K extends SayKind>(
  kind: K,
  value: string,
  language: SayLanguage,
): string[] {
  const read: Readers[K] = READERS[language][kind];
  return read(parseSayValue(kind, value));
}

// ---- The fragment catalogue ----

const range = (from: number, to: number, step = 1): number[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

const SHARED_IDS = [...range(0, 19), ...range(20, 90, 10)]
  .map(digit)
  .concat('n-hundred', 'n-thousand', 'minus', 'point', 'yuan');

/** Every id sayFragments can return, per language: what each language's catalogue must record. */
export const SAY_FRAGMENT_IDS_BY_LANGUAGE: Readonly<Record<SayLanguage, readonly string[]>> = {
  en: [
    ...SHARED_IDS,
    ...['million', 'billion', 'and', 'cent', 'cents', 'oh', 'oclock', 'am', 'pm'].map(
      (w) => `en-${w}`,
    ),
    ...EN_MONTHS,
    ...[...range(1, 20), 30].map((n) => `en-ord-${n}`),
  ],
  zh: [
    ...SHARED_IDS,
    ...['wan', 'yi', 'yao', 'liang', 'jiao', 'fen', 'zheng', 'nian', 'yue', 'ri', 'dian'].map(
      (w) => `zh-${w}`,
    ),
    ...['lingchen', 'shangwu', 'zhongwu', 'xiawu', 'wanshang'].map((w) => `zh-${w}`),
  ],
};

/** Every id sayFragments can ever return, in any language. */
export const SAY_FRAGMENT_IDS: readonly string[] = [
  ...new Set(Object.values(SAY_FRAGMENT_IDS_BY_LANGUAGE).flat()),
];
