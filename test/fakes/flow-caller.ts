import type { CallRecord, MemoryCallRecordStore } from '../../controller/calls/record.js';
import type { Digit } from '../../controller/media-server/types.js';
import type { FakeChannel, ScriptedMediaServer } from '../../tools/fakes/scripted-media-server.js';

/** A caller who answers prompts: when a playback naming `promptId` starts, the next keys are pressed. */
export function caller(
  server: ScriptedMediaServer,
  ch: FakeChannel,
  answers: [promptId: string, keys: string][],
): void {
  const queue = [...answers];
  ch.on((ev) => {
    if (ev.type !== 'playback-started') return;
    const playing = server.played.filter((p) => p.channelId === ch.id).at(-1)?.media ?? [];
    const next = queue[0];
    if (!next || !playing.some((m) => m.type === 'prompt' && m.id === next[0])) return;
    queue.shift();
    [...next[1]].forEach((d, i) => setTimeout(() => ch.press(d as Digit), 15 + i * 5));
  });
}

/** The call's record once ended: up to 15 s, as the unit and lab suites share two cores. */
export async function finished(store: MemoryCallRecordStore, id: string): Promise<CallRecord> {
  for (let i = 0; i < 750; i++) {
    const r = await store.get(id);
    if (r?.state === 'ended') return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('call did not end');
}
