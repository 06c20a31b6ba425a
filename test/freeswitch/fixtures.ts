import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Byte-exact ESL sessions captured from a real FreeSWITCH 1.10.12 (see their INDEX.md). They are
 * shared test data, kept outside the repository like the speech models; set
 * HOTLINE_ESL_FIXTURES_DIR where they live elsewhere.
 */
export const ESL_FIXTURES_DIR = process.env.HOTLINE_ESL_FIXTURES_DIR ?? '/work/shared/fixtures/esl';

export const haveEslFixtures = existsSync(join(ESL_FIXTURES_DIR, 'INDEX.md'));

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
