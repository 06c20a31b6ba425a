import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  CONFIGURATION_DOC,
  renderConfigurationDoc,
  undescribedKeys,
} from '../../tools/docs/configuration.js';

/** docs/configuration.md is generated from the configuration schema; these keep the two in step. */
describe('docs/configuration.md', () => {
  it('is what the schema generates', async () => {
    const onDisk = await readFile(CONFIGURATION_DOC, 'utf8').catch(() => '(missing)');
    if (onDisk !== renderConfigurationDoc()) {
      expect.fail(
        'docs/configuration.md differs from what controller/config/schema.ts ' +
          'generates: run `npm run docs:config` and commit the result',
      );
    }
  });

  it('describes every key', () => {
    expect(
      undescribedKeys(),
      'add .describe() to these keys in the schema, then run `npm run docs:config`',
    ).toEqual([]);
  });

  it('states the defaults the controller really uses', () => {
    const doc = renderConfigurationDoc();
    expect(doc).toContain('| `session.maxCallMs` | integer, 5000–86400000 | `3600000` |');
    expect(doc).toContain(
      '| `mediaServers[].password` | string, at least 8 characters | *required* |',
    );
  });
});
