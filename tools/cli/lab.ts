import { labDown, labStatus, labUp, type LabStatus } from '../lab/lab.js';
import { configFrom } from '../../controller/cli/config-option.js';
import { callCommand } from './call.js';
import { DEMO_NUMBER, demoPlan } from './demo-plan.js';
import type { Config } from '../../controller/config/schema.js';
import { defaultFlowsDir } from '../../controller/ivr/directory.js';
import { loadFlowFolder } from '../../controller/ivr/load.js';
import { indexPrompts } from '../../controller/ivr/prompt-index.js';
import { readCatalogue } from '../../media/prompts.js';
import { HotlineError } from '../../lib/errors.js';

function print(status: LabStatus): void {
  const show = (pid: number | undefined): string => (pid ? `running (pid ${pid})` : 'stopped');
  process.stdout.write(
    `redis      ${show(status.redis)}\nasterisk   ${show(status.asterisk)}\nfreeswitch ${show(status.freeswitch)}\ncontroller ${show(status.controller)}\nready      ${status.ready ? 'yes' : 'no'}\n`,
  );
}

export async function labUpCommand(opts: {
  config?: string;
  controller: boolean;
  demo: boolean;
  freeswitch: boolean;
}): Promise<void> {
  const { config, file } = configFrom(opts);
  const status = await labUp(config, {
    configFile: file,
    controller: opts.controller,
    freeswitch: opts.freeswitch,
  });
  print(status);
  if (opts.demo) await demoCall(config, opts.config);
}

/** One real call into the sample flow, on whichever path the clock sends it, checked against the flow. */
async function demoCall(config: Config, configFile: string | undefined): Promise<void> {
  const dir = config.flows.dir || defaultFlowsDir();
  const found = loadFlowFolder(dir, { prompts: indexPrompts(await readCatalogue()) });
  const flow = [...found.flows.values()].find((f) => f.numbers.includes(DEMO_NUMBER));
  if (!flow)
    throw new HotlineError(
      'FLOW_NOT_FOUND',
      `no valid flow in ${dir} serves ${DEMO_NUMBER} (hotline flows validate shows why)`,
    );
  const plan = demoPlan(flow, new Date());
  process.stdout.write(
    `\ndemo call: ${DEMO_NUMBER} (flow ${flow.flow}), ${plan.because}: ${plan.intro}\n`,
  );
  const report = await callCommand(DEMO_NUMBER, {
    dtmf: plan.dtmf,
    json: false,
    expect: plan.expect,
    ...(configFile ? { config: configFile } : {}),
  });
  process.stdout.write(
    report.ok
      ? `\ndemo OK: ${plan.because}: ${plan.done}.\n`
      : `\ndemo FAILED: ${plan.because}: ${report.problem ?? 'see the report above'}.\n`,
  );
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
