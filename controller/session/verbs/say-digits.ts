import type { CallContext } from '../context.js';
import { play } from './play.js';

/** Reads digits back to the caller from the media server's own digit recordings. */
export async function sayDigits(call: CallContext, digits: string): Promise<void> {
  if (!digits) return;
  await play(call, { type: 'digits', digits }, { maxMs: 2000 + digits.length * 1500 });
}
