import { InvalidArgumentError, type Command } from 'commander';
import type { CallOutcome } from '../../controller/calls/record.js';
import { CALL_OUTCOMES, parseExpect } from './call-outcome.js';
import { lazy } from '../../controller/cli/program.js';

const callCommand = lazy(() => import('./call.js'), 'callCommand');
const labDownCommand = lazy(() => import('./lab.js'), 'labDownCommand');
const labStatusCommand = lazy(() => import('./lab.js'), 'labStatusCommand');
const labUpCommand = lazy(() => import('./lab.js'), 'labUpCommand');
const loadCommand = lazy(() => import('./load.js'), 'loadCommand');
type LoadCommandOptions = import('./load.js').LoadCommandOptions;

/** Adds the tooling commands (the local lab, test calls, load tests) to the production CLI. */
export function addToolCommands(program: Command, global: () => { config?: string }): void {
  const lab = program
    .command('lab')
    .description('the local lab: real Asterisk (chroot), Redis and the controller on loopback');
  lab
    .command('up')
    .description('install on first use, then start Redis, Asterisk and the controller')
    .option('--no-controller', 'start only Redis and Asterisk')
    .option('--demo', 'place a demo call once everything is up', false)
    .option(
      '--freeswitch',
      'also start real FreeSWITCH (built once from the source kit, HOTLINE_FS_SOURCES): trunk 127.0.0.1:5090, ESL 8021',
      false,
    )
    .action((o: { controller: boolean; demo: boolean; freeswitch: boolean }) =>
      labUpCommand({ ...global(), ...o }),
    );
  lab
    .command('down')
    .description('stop the controller, Asterisk, FreeSWITCH and Redis')
    .action(() => labDownCommand(global()));
  lab
    .command('status')
    .description('show what runs; exit 1 unless the controller is ready')
    .option('--json', 'machine-readable output', false)
    .action((o: { json: boolean }) => labStatusCommand({ ...global(), ...o }));

  program
    .command('call')
    .description('place one SIPp call into the lab and report what happened')
    .argument('<number>', 'the number to dial, e.g. 4008001234')
    .option(
      '--dtmf <digits>',
      'keys to press after the call is answered (a comma waits a second)',
      '',
    )
    .option('--caller <number>', 'caller number', '13812345678')
    .option(
      '--expect <outcomes>',
      `outcomes that count as success, comma-separated (${CALL_OUTCOMES.join(', ')}); default: the hotline hangs up and heard the keys`,
      expectOption,
    )
    .option('--json', 'machine-readable output', false)
    .action(
      async (
        number: string,
        o: { dtmf: string; json: boolean; caller: string; expect?: CallOutcome[] },
      ) => {
        await callCommand(number, { ...global(), ...o });
      },
    );

  program
    .command('load')
    .description(
      'load test: N agents on the lab, callers at a rate into the ' +
        'queue; RFC 7502 report (JSON + Markdown) under bench/results/',
    )
    .option(
      '--agents <n>',
      'agents generated on the lab (PJSIP endpoints answered by SIPp phones)',
      '100',
    )
    .requiredOption('--cps <n>', 'new calls per second once ramped up')
    .option('--duration <seconds>', 'seconds at full rate (default 60; or give --calls)')
    .option('--calls <n>', 'number of calls in all (instead of --duration)')
    .option('--ramp <seconds>', 'seconds to ramp up to the rate', '10')
    .option(
      '--dtmf <digits>',
      'IVR path: keys each caller presses before the queue (one menu per key); empty queues at once',
      '',
    )
    .option('--talk <seconds>', 'how long an agent talks before hanging up', '5')
    .option(
      '--no-audio',
      'no RTP after 200 ms of caller silence (default: G.711 audio from caller and agent)',
    )
    .option(
      '--addresses <n>',
      'loopback addresses the agent phones answer on (127.0.2.1...), one SIPp process each',
      '4',
    )
    .option(
      '--strategy <name>',
      'queue strategy (app_queue gets the closest of its own)',
      'longest-idle',
    )
    .option(
      '--baseline <system>',
      'then run the same load against Asterisk app_queue without the controller: app_queue',
    )
    .option(
      '--ring-in-use',
      'let app_queue ring agents already on a call (its default; hotline never does)',
      false,
    )
    .option('--baseline-only', 'run only the app_queue baseline (with --baseline app_queue)', false)
    .option('--record', 'record every bridged call (the app_queue baseline does not record)', false)
    .option('--log-level <level>', "the controller under test's log level", 'info')
    .option(
      '--max-calls <n>',
      "the controller's overload limit on calls in progress (0: off); calls beyond it are refused with 503",
      '0',
    )
    .option(
      '--max-new-per-second <n>',
      "the controller's overload limit on new calls per second (0: off)",
      '0',
    )
    .option(
      '--min-bridged <percent>',
      'exit 1 if fewer calls than this were routed and bridged',
      '99.9',
    )
    .option('--out <dir>', 'where the reports go', 'bench/results')
    .option(
      '--profile <dir>',
      'write a CPU profile of the controller under test (.cpuprofile) into this folder',
    )
    .option('--json', 'print the report as JSON', false)
    .action(async (o: Omit<LoadCommandOptions, 'config'>) => {
      await loadCommand({ ...global(), ...o });
    });
}

function expectOption(text: string): CallOutcome[] {
  const parsed = parseExpect(text);
  if ('outcomes' in parsed) return parsed.outcomes;
  const what =
    parsed.unknown.length > 0 ? `unknown outcome ${parsed.unknown.join(', ')}` : 'no outcome given';
  throw new InvalidArgumentError(`${what}; one or more of ${CALL_OUTCOMES.join(', ')}`);
}
