import { readFileSync } from 'node:fs';
import { HotlineError } from '../../lib/errors.js';

/**
 * Caller region: normalise the number (E.164 with +86), then the longest matching prefix in the
 * region tables (landline area codes with their 0, 7-digit mobile segments). The naive "first
 * four digits" rule would put every 010/020/021 caller and every mobile caller in the wrong place.
 */
export type NumberKind = 'mobile' | 'landline' | 'international' | 'unknown';

export interface NormalizedNumber {
  kind: NumberKind;
  /** +86... for mainland numbers, +... for others, '' when unknown. */
  e164: string;
  /** National format used by the tables: 11-digit mobile, or 0 + area code + subscriber. */
  national: string;
}

export function normalizeNumber(raw: string): NormalizedNumber {
  const cleaned = raw.trim().replace(/[\s\-().]/g, '');
  if (!/^\+?\d+$/.test(cleaned)) return { kind: 'unknown', e164: '', national: '' };
  let nsn: string | undefined;
  if (cleaned.startsWith('+')) {
    if (!cleaned.startsWith('+86')) return { kind: 'international', e164: cleaned, national: '' };
    nsn = cleaned.slice(3);
  } else if (cleaned.startsWith('00')) {
    if (!cleaned.startsWith('0086'))
      return { kind: 'international', e164: `+${cleaned.slice(2)}`, national: '' };
    nsn = cleaned.slice(4);
  } else if (
    cleaned.startsWith('86') &&
    (/^861[3-9]\d{9}$/.test(cleaned) || /^86(10\d{8}|[2-9]\d{9,10})$/.test(cleaned))
  ) {
    nsn = cleaned.slice(2);
  } else if (cleaned.startsWith('0')) {
    nsn = cleaned.slice(1);
  } else {
    nsn = cleaned;
  }
  // A stray trunk 0 after the country code (+86 021...) is common in carrier CLI.
  if (nsn.startsWith('0')) nsn = nsn.slice(1);
  if (/^1[3-9]\d{9}$/.test(nsn)) return { kind: 'mobile', e164: `+86${nsn}`, national: nsn };
  // Beijing's area code is 10; every other starts with 2-9.
  if (/^(10\d{8}|[2-9]\d{8,10})$/.test(nsn))
    return { kind: 'landline', e164: `+86${nsn}`, national: `0${nsn}` };
  return { kind: 'unknown', e164: '', national: '' };
}

export interface RegionMatch {
  region: string;
  place: string;
  prefix: string;
}

/** Prefix tables, longest prefix wins. Lookups are one map probe per prefix length. */
export class RegionTable {
  private readonly byLength = new Map<number, Map<string, RegionMatch>>();
  private lengths: number[] = [];

  constructor(readonly fallbackRegion = 'unknown') {}

  /** Parses one TSV table; every bad line is reported as `file:line: field: reason`. */
  static parse(text: string, file: string): { rows: RegionMatch[]; problems: string[] } {
    const rows: RegionMatch[] = [];
    const problems: string[] = [];
    const seen = new Map<string, number>();
    text.split('\n').forEach((line, i) => {
      const n = i + 1;
      const trimmed = line.replace(/\r$/, '');
      if (trimmed.trim() === '' || trimmed.startsWith('#')) return;
      const [prefix, region, place = '', ...extra] = trimmed.split('\t');
      if (extra.length > 0)
        problems.push(
          `${file}:${n}: line: expected 2 or 3 tab-separated fields, got ${3 + extra.length}`,
        );
      else if (!prefix || !/^\d{2,8}$/.test(prefix))
        problems.push(`${file}:${n}: prefix: ${JSON.stringify(prefix ?? '')} is not 2 to 8 digits`);
      else if (!/^(0|1[3-9])/.test(prefix))
        problems.push(
          `${file}:${n}: prefix: ${prefix} is neither a landline area code (0...) nor a mobile segment (13-19...)`,
        );
      else if (!region || !/^[a-z][a-z0-9-]*$/.test(region))
        problems.push(
          `${file}:${n}: region: ${JSON.stringify(region ?? '')} is not a lowercase region code`,
        );
      else if (seen.has(prefix))
        problems.push(`${file}:${n}: prefix: ${prefix} repeats line ${String(seen.get(prefix))}`);
      else {
        seen.set(prefix, n);
        rows.push({ prefix, region, place });
      }
    });
    return { rows, problems };
  }

  /** Loads tables in order (later files override earlier ones); throws with every problem found. */
  static load(files: readonly string[], fallbackRegion?: string): RegionTable {
    const table = new RegionTable(fallbackRegion);
    const problems: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        problems.push(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        continue;
      }
      const parsed = RegionTable.parse(text, file);
      problems.push(...parsed.problems);
      for (const row of parsed.rows) table.add(row);
    }
    if (problems.length > 0)
      throw new HotlineError(
        'ROUTER_CONFIG_INVALID',
        `region table rejected:\n  ${problems.join('\n  ')}`,
        { details: { problems } },
      );
    return table;
  }

  add(row: RegionMatch): void {
    let map = this.byLength.get(row.prefix.length);
    if (!map) {
      map = new Map();
      this.byLength.set(row.prefix.length, map);
      this.lengths = [...this.byLength.keys()].sort((a, b) => b - a);
    }
    map.set(row.prefix, row);
  }

  get size(): number {
    let n = 0;
    for (const m of this.byLength.values()) n += m.size;
    return n;
  }

  /** The caller's region; the fallback region for unknown, foreign or unlisted numbers. */
  lookup(raw: string): RegionMatch & { number: NormalizedNumber; matched: boolean } {
    const number = normalizeNumber(raw);
    if (number.national) {
      for (const len of this.lengths) {
        if (len > number.national.length) continue;
        const hit = this.byLength.get(len)?.get(number.national.slice(0, len));
        if (hit) return { ...hit, number, matched: true };
      }
    }
    return { region: this.fallbackRegion, place: '', prefix: '', number, matched: false };
  }
}
