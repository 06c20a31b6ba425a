import { execFile } from 'node:child_process';
import { access, cp, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureHoldMusic, ensurePrompts } from '../../media/prompts.js';

const run = promisify(execFile);

const DIGIT_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
];

/**
 * What FreeSWITCH plays that the kit has no sound pack for: the hotline's prompts, the digits
 * (`digits` media: `<soundsDir>/digits/N.wav`) and the music on hold (`local_stream://moh`), all
 * 8 kHz mono 16-bit WAV made with espeak-ng and sox. Files already there are kept.
 * `seedPrompts`: a folder of the same prompts to copy from first.
 */
export async function ensureFreeswitchMedia(
  dirs: { prompts: string; sounds: string; seedPrompts?: string | undefined },
  log: (line: string) => void,
): Promise<void> {
  // The Asterisk lab's prompts are the same files (same catalogue, same synthesis): copying them
  // takes a moment where making them again takes a minute on a busy machine.
  if (dirs.seedPrompts && (await exists(dirs.seedPrompts)))
    await cp(dirs.seedPrompts, dirs.prompts, { recursive: true, force: false });
  const { generated } = await ensurePrompts(dirs.prompts);
  if (generated.length) log(`[lab] FreeSWITCH: generated ${generated.length} prompts`);
  await mkdir(join(dirs.sounds, 'digits'), { recursive: true });
  for (const [digit, word] of DIGIT_WORDS.entries()) {
    const target = join(dirs.sounds, 'digits', `${digit}.wav`);
    if (await exists(target)) continue;
    const raw = `${target}.espeak.wav`;
    const tmp = `${target}.tmp.wav`;
    await run('espeak-ng', ['-v', 'en-us', '-s', '165', '-w', raw, word], { timeout: 30_000 });
    await run(
      'sox',
      [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', tmp, 'gain', '-n', '-3'],
      { timeout: 30_000 },
    );
    await rename(tmp, target);
    await rm(raw, { force: true });
  }
  await ensureHoldMusic(join(dirs.sounds, 'moh', 'hold.wav'));
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
