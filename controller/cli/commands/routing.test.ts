import { describe, expect, it } from 'vitest';
import { agentsTable } from './routing.js';

describe('hotline agents', () => {
  // What older versions let in, or a hand-edited Redis: still never sent to the terminal as is.
  const rows = [
    {
      id: '1001',
      name: 'Eve\u001b]0;pwned\u0007\u001b[2J',
      endpoint: 'PJSIP/1001',
      skills: { tech: 3 },
      regions: [],
      languages: [],
      weight: 1,
      position: 0,
      status: { state: 'on-break' as const, reason: 'lunch\r\u009b31m' },
    },
  ];

  it('writes no control character, in the table or as JSON', () => {
    for (const json of [false, true]) {
      const out = agentsTable(rows, json);
      // Line ends are the table's own: one per line, none from the data.
      expect(out.split('\n'), json ? 'json' : 'table').toHaveLength(json ? 2 : 3);
      const codes = [...out].map((c) => c.charCodeAt(0)).filter((c) => c !== 0x0a);
      expect(
        codes.filter((c) => c < 0x20 || (c >= 0x7f && c <= 0x9f)),
        json ? 'json' : 'table',
      ).toEqual([]);
    }
    expect(agentsTable(rows, false)).toContain('Eve\\x1b]0;pwned\\x07\\x1b[2J');
    expect(JSON.parse(agentsTable(rows, true))).toEqual(rows);
  });
});
