import { startController } from '../../main.js';
import { configFrom } from '../config-option.js';

export async function startCommand(opts: { config?: string }): Promise<void> {
  const { config } = configFrom(opts);
  const controller = await startController(config);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    controller.log.info({ signal }, 'stopping: draining calls in progress');
    controller.stop(15_000).then(
      () => process.exit(0),
      (err: unknown) => {
        controller.log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
