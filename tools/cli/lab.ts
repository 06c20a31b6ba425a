import { labDown, labStatus, labUp, type LabStatus } from '../lab/lab.js';
import { configFrom } from '../../controller/cli/config-option.js';
import { callCommand } from './call.js';

function print(status: LabStatus): void {
  const show = (pid: number | undefined): string => (pid ? `running (pid ${pid})` : 'stopped');
  process.stdout.write(
    `redis      ${show(status.redis)}\nasterisk   ${show(status.asterisk)}\nfreeswitch ${show(status.freeswitch)}\ncontroller ${show(status.controller)}\nready      ${status.ready ? 'yes' : 'no'}\n`,
  );
}

export async function labUpCommand(opts: { config?: string; controller: boolean; demo: boolean; freeswitch: boolean }): Promise<void> {
  const { config, file } = configFrom(opts);
  const status = await labUp(config, { configFile: file, controller: opts.controller, freeswitch: opts.freeswitch });
  print(status);
  if (opts.demo) {
    process.stdout.write('\ndemo call: 4008001234, pressing 1 (billing), then 1 (your balance)\n');
    await callCommand('4008001234', { dtmf: '1,,1', json: false, ...(opts.config ? { config: opts.config } : {}) });
  }
}

export async function labDownCommand(opts: { config?: string }): Promise<void> {
  await labDown(configFrom(opts).config);
  process.stdout.write('lab stopped\n');
}

export async function labStatusCommand(opts: { config?: string; json: boolean }): Promise<void> {
  const status = await labStatus(configFrom(opts).config);
  if (opts.json) process.stdout.write(`${JSON.stringify(status)}\n`);
  else print(status);
  if (!status.ready) process.exitCode = 1;
}
