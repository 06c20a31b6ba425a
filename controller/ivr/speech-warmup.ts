import type { SpeechRecognizer } from '../../media/speech/types.js';
import type { Logger } from '../log/logger.js';
import type { Flow } from './schema.js';

/**
 * Builds every spoken menu's grammar ahead of the first caller (the first build loads the
 * dictionary, about half a second), and reports phrases the engine cannot recognise by flow and
 * node rather than at a caller's turn.
 */
export async function warmSpeech(
  flows: readonly Flow[],
  speech: SpeechRecognizer & {
    prepare?(req: Parameters<SpeechRecognizer['recognize']>[1]): Promise<void>;
  },
  log: Logger,
): Promise<void> {
  if (!speech.prepare) return;
  for (const flow of flows) {
    for (const [id, node] of Object.entries(flow.nodes)) {
      if (node.verb !== 'menu' || node.intents.length === 0) continue;
      await speech
        .prepare({
          language: flow.language,
          intents: node.intents.map((i) => ({ id: i.id, phrases: i.phrases })),
        })
        .catch((err: unknown) => {
          log.error(
            { flow: flow.flow, node: id, err },
            'spoken menu cannot be recognised; callers there will use the keypad',
          );
        });
    }
  }
}
