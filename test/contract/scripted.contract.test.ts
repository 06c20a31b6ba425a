import { mediaServerContract, type ContractHarness } from './media-server.contract.js';
import { ScriptedMediaServer } from '../../tools/fakes/scripted-media-server.js';
import type { Digit } from '../../controller/media-server/types.js';

mediaServerContract('scripted (reference)', () => {
  const server = new ScriptedMediaServer({ mediaMs: (m) => (m.type === 'tone' ? 5000 : 300) });
  server.start();
  const harness: ContractHarness = {
    server,
    answeringEndpoint: 'test/answer',
    shortMedia: { type: 'sound', name: 'beep' },
    longMedia: { type: 'tone', tone: 'ring' },
    placeCall({ number, dtmf, hangupAfterMs }) {
      const ch = server.injectCall({ calledNumber: number });
      const done = new Promise<void>((resolve) => {
        const timers: NodeJS.Timeout[] = [];
        ch.on((ev) => {
          if (ev.type === 'answered') {
            [...(dtmf ?? '')].forEach((d, i) =>
              timers.push(setTimeout(() => ch.press(d as Digit), 800 + i * 400)),
            );
            if (hangupAfterMs !== undefined)
              timers.push(setTimeout(() => ch.farHangup(), hangupAfterMs));
          }
          if (ev.type === 'ended') {
            timers.forEach(clearTimeout);
            resolve();
          }
        });
      });
      return { done };
    },
    close: () => server.close(),
  };
  return Promise.resolve(harness);
});
