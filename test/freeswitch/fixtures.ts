import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root.js';

/**
 * Byte-exact ESL sessions captured from a real FreeSWITCH 1.10.12, kept in the repository
 * (test/fixtures/esl/, see its INDEX.md) so the tests that replay them always run.
 */
export const ESL_FIXTURES_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'esl');

/** Server-to-client bytes of one captured session. */
export function captured(name: string): Buffer {
  return readFileSync(join(ESL_FIXTURES_DIR, `${name}.txt`));
}

export const CAPTURES = [
  'esl-a-auth-api',
  'esl-a-wrong-password',
  'esl-b-events-plain',
  'esl-c-events-json',
  'esl-d-originate-bridge',
  'esl-e-exit',
  'esl-e-shutdown-issuer',
  'esl-e-shutdown-observer',
  'esl-f-callcenter-misc',
] as const;
