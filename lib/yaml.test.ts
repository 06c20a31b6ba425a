import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from './yaml.js';

describe('YAML the project writes', () => {
  const strings = [
    'yes',
    'Yes',
    'NO',
    'on',
    'Off',
    'y',
    'N',
    'true',
    'False',
    'null',
    'Null',
    '~',
    '',
    '0755',
    '0o17',
    '0x1F',
    '0b101',
    '1_000',
    '1e3',
    '.5',
    '12:30',
    '190:20:30',
    '2026-01-01',
    '2026-01-01 10:00:00',
    '.inf',
    '-.Inf',
    '.NaN',
    '+1',
    '-0',
    '=',
    '<<',
    'x: y',
    '#1',
    '- a',
    '[a]',
    '{a}',
    '@x',
    '`x',
    ' padded ',
    'a\nb',
    "it's",
    '"q"',
  ];

  it('reads back as the same strings in YAML 1.1 and 1.2', () => {
    const text = toYaml({
      names: strings,
      map: Object.fromEntries(strings.filter((s) => s !== '<<').map((s) => [s, s])),
    });
    for (const version of ['1.1', '1.2'] as const) {
      const back = parse(text, { version }) as { names: unknown[]; map: Record<string, unknown> };
      expect(back.names, `YAML ${version}`).toEqual(strings);
      expect(
        Object.entries(back.map).every(([k, v]) => k === v),
        `YAML ${version}`,
      ).toBe(true);
    }
  });

  it('leaves plain what is plain everywhere, and numbers and booleans as they are', () => {
    expect(
      toYaml({ name: 'Zhao Lei', city: '北京', yes: true, weight: 2, when: '09:00 to 18:00' }),
    ).toBe('name: Zhao Lei\ncity: 北京\n"yes": true\nweight: 2\nwhen: 09:00 to 18:00\n');
  });
});
