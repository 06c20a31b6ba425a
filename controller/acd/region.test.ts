import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { normalizeNumber, RegionTable } from './region.js';

const REGIONS = join(PROJECT_ROOT, 'dialplan', 'routing', 'regions');
const table = RegionTable.load(
  [join(REGIONS, 'landline.tsv'), join(REGIONS, 'mobile-sample.tsv')],
  'default',
);

describe('normalizeNumber', () => {
  it.each([
    ['13812345678', 'mobile', '+8613812345678', '13812345678'],
    ['+86 138-1234-5678', 'mobile', '+8613812345678', '13812345678'],
    ['008613812345678', 'mobile', '+8613812345678', '13812345678'],
    ['8613812345678', 'mobile', '+8613812345678', '13812345678'],
    ['02161234567', 'landline', '+862161234567', '02161234567'],
    ['+862161234567', 'landline', '+862161234567', '02161234567'],
    ['+86 021 6123 4567', 'landline', '+862161234567', '02161234567'],
    ['075512345678', 'landline', '+8675512345678', '075512345678'],
    ['(0571) 8888-6666', 'landline', '+8657188886666', '057188886666'],
    ['01088886666', 'landline', '+861088886666', '01088886666'],
    ['+861088886666', 'landline', '+861088886666', '01088886666'],
    ['+14155550100', 'international', '+14155550100', ''],
    ['00441632960000', 'international', '+441632960000', ''],
    ['12345', 'unknown', '', ''],
    ['anonymous', 'unknown', '', ''],
    ['', 'unknown', '', ''],
  ])('%s -> %s %s', (raw, kind, e164, national) => {
    expect(normalizeNumber(raw)).toEqual({ kind, e164, national });
  });
});

describe('RegionTable', () => {
  it('ships the complete mainland landline area-code table', () => {
    expect(table.size).toBeGreaterThan(300);
  });

  it.each([
    ['01088886666', 'beijing', '010'],
    ['02161234567', 'shanghai', '021'],
    ['+862087654321', 'guangdong', '020'],
    ['075526888888', 'guangdong', '0755'],
    ['057188886666', 'zhejiang', '0571'],
    ['+86 29 8888 6666', 'shaanxi', '029'],
    ['089166668888', 'xizang', '0891'],
    ['099112345678', 'xinjiang', '0991'],
    ['085188886666', 'guizhou', '0851'],
  ])('landline %s -> %s (prefix %s)', (number, region, prefix) => {
    expect(table.lookup(number)).toMatchObject({ region, prefix, matched: true });
  });

  it('distinguishes 3- and 4-digit area codes that share leading digits (0310 vs 031x)', () => {
    expect(table.lookup('031012345678').region).toBe('hebei');
    expect(table.lookup('035112345678')).toMatchObject({ region: 'shanxi', place: 'Taiyuan' });
  });

  it('uses mobile segments, longest prefix first, and never the first four digits', () => {
    expect(table.lookup('13800138000')).toMatchObject({ region: 'beijing', prefix: '1380013' });
    expect(table.lookup('+8613800211234')).toMatchObject({ region: 'shanghai' });
    // "0138" is not an area code; a first-four-digits rule would look it up as one.
    expect(table.lookup('13999999999')).toMatchObject({ region: 'default', matched: false });
  });

  it('falls back to the default region for foreign, withheld and unlisted numbers', () => {
    for (const n of ['+14155550100', 'anonymous', '', '12345'])
      expect(table.lookup(n)).toMatchObject({ region: 'default', matched: false });
  });

  it('a later table overrides an earlier one', () => {
    const t = new RegionTable('x');
    t.add({ prefix: '010', region: 'beijing', place: '' });
    t.add({ prefix: '010', region: 'override', place: '' });
    expect(t.lookup('01012345678').region).toBe('override');
  });

  it('rejects a malformed table with file, line and field', () => {
    const { problems } = RegionTable.parse(
      '# ok\n010\tbeijing\tBeijing\nabc\tx\n0755\tBad Region\n010\tbeijing\n999\tfoo\n021\tshanghai\tS\textra\n',
      'bad.tsv',
    );
    expect(problems).toEqual([
      'bad.tsv:3: prefix: "abc" is not 2 to 8 digits',
      'bad.tsv:4: region: "Bad Region" is not a lowercase region code',
      'bad.tsv:5: prefix: 010 repeats line 2',
      'bad.tsv:6: prefix: 999 is neither a landline area code (0...) nor a mobile segment (13-19...)',
      'bad.tsv:7: line: expected 2 or 3 tab-separated fields, got 4',
    ]);
  });

  it('load throws ROUTER_CONFIG_INVALID listing every problem, including unreadable files', () => {
    try {
      RegionTable.load([join(REGIONS, 'missing.tsv')]);
      expect.unreachable();
    } catch (err) {
      expect(isHotlineError(err, 'ROUTER_CONFIG_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(/missing\.tsv: cannot read \(ENOENT\)/);
    }
  });
});
