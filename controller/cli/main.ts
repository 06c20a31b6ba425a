import { Command } from 'commander';
import { isHotlineError } from '../errors.js';
import { registerPromptsCommand } from './commands/prompts.js';

// Commands load on use: `hotline --help` or `hotline recordings get` need not load the lab,
// the SIPp runner or the speech engine.
type Mod<T> = () => Promise<T>;
const callModule: Mod<typeof import('./commands/call.js')> = () => import('./commands/call.js');
const callCommand = async (...a: Parameters<typeof import('./commands/call.js').callCommand>): Promise<void> => {
  await (await callModule()).callCommand(...a);
};
const flowsModule: Mod<typeof import('./commands/flows.js')> = () => import('./commands/flows.js');
const flowsSchemaCommand = async (...a: Parameters<typeof import('./commands/flows.js').flowsSchemaCommand>): Promise<void> => {
  (await flowsModule()).flowsSchemaCommand(...a);
};
const flowsValidateCommand = async (...a: Parameters<typeof import('./commands/flows.js').flowsValidateCommand>): Promise<void> => {
  await (await flowsModule()).flowsValidateCommand(...a);
};
const labModule: Mod<typeof import('./commands/lab.js')> = () => import('./commands/lab.js');
const labDownCommand = async (...a: Parameters<typeof import('./commands/lab.js').labDownCommand>): Promise<void> => {
  await (await labModule()).labDownCommand(...a);
};
const labStatusCommand = async (...a: Parameters<typeof import('./commands/lab.js').labStatusCommand>): Promise<void> => {
  await (await labModule()).labStatusCommand(...a);
};
const labUpCommand = async (...a: Parameters<typeof import('./commands/lab.js').labUpCommand>): Promise<void> => {
  await (await labModule()).labUpCommand(...a);
};
const loadModule: Mod<typeof import('./commands/load.js')> = () => import('./commands/load.js');
type LoadCommandOptions = import('./commands/load.js').LoadCommandOptions;
const loadCommand = async (...a: Parameters<typeof import('./commands/load.js').loadCommand>): Promise<void> => {
  await (await loadModule()).loadCommand(...a);
};
const routingModule: Mod<typeof import('./commands/routing.js')> = () => import('./commands/routing.js');
const agentStateCommand = async (...a: Parameters<typeof import('./commands/routing.js').agentStateCommand>): Promise<void> => {
  await (await routingModule()).agentStateCommand(...a);
};
const agentsListCommand = async (...a: Parameters<typeof import('./commands/routing.js').agentsListCommand>): Promise<void> => {
  await (await routingModule()).agentsListCommand(...a);
};
const queuesListCommand = async (...a: Parameters<typeof import('./commands/routing.js').queuesListCommand>): Promise<void> => {
  await (await routingModule()).queuesListCommand(...a);
};
const routingCheckCommand = async (...a: Parameters<typeof import('./commands/routing.js').routingCheckCommand>): Promise<void> => {
  (await routingModule()).routingCheckCommand(...a);
};
const startModule: Mod<typeof import('./commands/start.js')> = () => import('./commands/start.js');
const startCommand = async (...a: Parameters<typeof import('./commands/start.js').startCommand>): Promise<void> => {
  await (await startModule()).startCommand(...a);
};
const recordingsModule: Mod<typeof import('./commands/recordings.js')> = () => import('./commands/recordings.js');
const recordingsGetCommand = async (...a: Parameters<typeof import('./commands/recordings.js').recordingsGetCommand>): Promise<void> => {
  await (await recordingsModule()).recordingsGetCommand(...a);
};
const recordingsHoldCommand = async (...a: Parameters<typeof import('./commands/recordings.js').recordingsHoldCommand>): Promise<void> => {
  await (await recordingsModule()).recordingsHoldCommand(...a);
};
const recordingsListCommand = async (...a: Parameters<typeof import('./commands/recordings.js').recordingsListCommand>): Promise<void> => {
  await (await recordingsModule()).recordingsListCommand(...a);
};
const recordingsRebuildCommand = async (...a: Parameters<typeof import('./commands/recordings.js').recordingsRebuildCommand>): Promise<void> => {
  await (await recordingsModule()).recordingsRebuildCommand(...a);
};
const recordingsRotateCommand = async (...a: Parameters<typeof import('./commands/recordings.js').recordingsRotateCommand>): Promise<void> => {
  await (await recordingsModule()).recordingsRotateCommand(...a);
};
const recordingsStatsCommand = async (...a: Parameters<typeof import('./commands/recordings.js').recordingsStatsCommand>): Promise<void> => {
  await (await recordingsModule()).recordingsStatsCommand(...a);
};
const recordingsTierCommand = async (...a: Parameters<typeof import('./commands/recordings.js').recordingsTierCommand>): Promise<void> => {
  await (await recordingsModule()).recordingsTierCommand(...a);
};
const recordingsVerifyCommand = async (...a: Parameters<typeof import('./commands/recordings.js').recordingsVerifyCommand>): Promise<void> => {
  await (await recordingsModule()).recordingsVerifyCommand(...a);
};
const recordingsWorkerCommand = async (...a: Parameters<typeof import('./commands/recordings.js').recordingsWorkerCommand>): Promise<void> => {
  await (await recordingsModule()).recordingsWorkerCommand(...a);
};

const apiModule: Mod<typeof import('./commands/api.js')> = () => import('./commands/api.js');
const apiKeyCreateCommand = async (...a: Parameters<typeof import('./commands/api.js').apiKeyCreateCommand>): Promise<void> => {
  await (await apiModule()).apiKeyCreateCommand(...a);
};
const apiKeyListCommand = async (...a: Parameters<typeof import('./commands/api.js').apiKeyListCommand>): Promise<void> => {
  await (await apiModule()).apiKeyListCommand(...a);
};
const apiKeyRevokeCommand = async (...a: Parameters<typeof import('./commands/api.js').apiKeyRevokeCommand>): Promise<void> => {
  await (await apiModule()).apiKeyRevokeCommand(...a);
};
const apiTokenCommand = async (...a: Parameters<typeof import('./commands/api.js').apiTokenCommand>): Promise<void> => {
  await (await apiModule()).apiTokenCommand(...a);
};

// `hotline flows schema | head`: a reader that stops early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command('hotline').description('400-number contact-center controller for Asterisk and FreeSWITCH');
program.option('-c, --config <file>', 'YAML configuration file (default: $HOTLINE_CONFIG, else the local-lab defaults)');
const global = (): { config?: string } => program.opts<{ config?: string }>();

program.command('start').description('run the controller against the configured media servers').action(() => startCommand(global()));

const lab = program.command('lab').description('the local lab: real Asterisk (chroot), Redis and the controller on loopback');
lab
  .command('up')
  .description('install on first use, then start Redis, Asterisk and the controller')
  .option('--no-controller', 'start only Redis and Asterisk')
  .option('--demo', 'place a demo call once everything is up', false)
  .action((o: { controller: boolean; demo: boolean }) => labUpCommand({ ...global(), ...o }));
lab.command('down').description('stop the controller, Asterisk and Redis').action(() => labDownCommand(global()));
lab
  .command('status')
  .description('show what runs; exit 1 unless the controller is ready')
  .option('--json', 'machine-readable output', false)
  .action((o: { json: boolean }) => labStatusCommand({ ...global(), ...o }));

program
  .command('call')
  .description('place one SIPp call into the lab and report what happened')
  .argument('<number>', 'the number to dial, e.g. 4008001234')
  .option('--dtmf <digits>', 'keys to press after the call is answered (a comma waits a second)', '')
  .option('--caller <number>', 'caller number', '13812345678')
  .option('--json', 'machine-readable output', false)
  .action(async (number: string, o: { dtmf: string; json: boolean; caller: string }) => {
    await callCommand(number, { ...global(), ...o });
  });

program
  .command('load')
  .description('load test: N agents on the lab, callers at a rate into the queue; RFC 7502 report (JSON + Markdown) under bench/results/')
  .option('--agents <n>', 'agents generated on the lab (PJSIP endpoints answered by SIPp phones)', '100')
  .requiredOption('--cps <n>', 'new calls per second once ramped up')
  .option('--duration <seconds>', 'seconds at full rate (default 60; or give --calls)')
  .option('--calls <n>', 'number of calls in all (instead of --duration)')
  .option('--ramp <seconds>', 'seconds to ramp up to the rate', '10')
  .option('--dtmf <digits>', 'IVR path: keys each caller presses before the queue (one menu per key); empty queues at once', '')
  .option('--talk <seconds>', 'how long an agent talks before hanging up', '5')
  .option('--no-audio', 'no RTP after 200 ms of caller silence (default: G.711 audio from caller and agent)')
  .option('--addresses <n>', 'loopback addresses the agent phones answer on (127.0.2.1...), one SIPp process each', '4')
  .option('--strategy <name>', 'queue strategy (app_queue gets the closest of its own)', 'longest-idle')
  .option('--baseline <system>', 'then run the same load against Asterisk app_queue without the controller: app_queue')
  .option('--ring-in-use', 'let app_queue ring agents already on a call (its default; hotline never does)', false)
  .option('--baseline-only', 'run only the app_queue baseline (with --baseline app_queue)', false)
  .option('--record', 'record every bridged call (the app_queue baseline does not record)', false)
  .option('--log-level <level>', 'the controller under test\'s log level', 'info')
  .option('--max-calls <n>', 'the controller\'s overload limit on calls in progress (0: off); calls beyond it are refused with 503', '0')
  .option('--max-new-per-second <n>', 'the controller\'s overload limit on new calls per second (0: off)', '0')
  .option('--min-bridged <percent>', 'exit 1 if fewer calls than this were routed and bridged', '99.9')
  .option('--out <dir>', 'where the reports go', 'bench/results')
  .option('--profile <dir>', 'write a CPU profile of the controller under test (.cpuprofile) into this folder')
  .option('--json', 'print the report as JSON', false)
  .action(async (o: Omit<LoadCommandOptions, 'config'>) => {
    await loadCommand({ ...global(), ...o });
  });

const routing = program.command('routing').description('agents, queues and region tables (dialplan/routing)');
routing
  .command('check')
  .description('validate a routing folder; one line per problem (file:line: key: reason)')
  .argument('[dir]', 'folder with agents.yaml and queues.yaml')
  .action((dir: string | undefined) => routingCheckCommand(dir, global()));

const flows = program.command('flows').description('IVR flows (dialplan/flows)');
flows
  .command('validate')
  .description('check a folder of flow files; one line per problem (file:line: key: reason), exit 1 if any')
  .argument('[dir]', 'folder of *.yaml flow files')
  .action((dir: string | undefined) => flowsValidateCommand(dir, global()));
flows.command('schema').description('print the JSON Schema of flow files (for editors)').action(() => flowsSchemaCommand());

registerPromptsCommand(program);

const agents = program.command('agents').description('list agents with their live state');
agents.option('--json', 'machine-readable output', false).action((o: { json: boolean }) => agentsListCommand({ ...global(), ...o }));
agents
  .command('state')
  .description('change an agent’s state (log in, break, resume, log out), checked by the state machine')
  .argument('<id>', 'agent id')
  .argument('<state>', 'available | on-break | logged-out')
  .option('--reason <text>', 'why (for a break)')
  .action((id: string, state: string, o: { reason?: string }) => agentStateCommand(id, state, { ...global(), ...o }));

program
  .command('queues')
  .description('list queues with today’s figures: waiting, longest wait, offered, answered, abandoned, SL, SL2, ASA')
  .option('--json', 'machine-readable output', false)
  .action((o: { json: boolean }) => queuesListCommand({ ...global(), ...o }));

const recordings = program.command('recordings').description('recorded conversations: catalogue, tiers (hot, warm, cold), checks and keys');
const now = '--now <iso>';
const nowHelp = 'act as if it were this time (ISO 8601); default: now';
recordings
  .command('list')
  .description('search the catalogue (newest filters first)')
  .option('--from <iso>')
  .option('--to <iso>')
  .option('--agent <id>')
  .option('--queue <id>')
  .option('--number <400 number>')
  .option('--limit <n>', 'at most this many', '50')
  .option('--json', 'machine-readable output', false)
  .action((o: Record<string, string>) => recordingsListCommand({ ...global(), ...o }));
recordings
  .command('tier')
  .description('move what is due hot → warm → cold, delete what passed its retention (not on legal hold)')
  .option('--dry-run', 'only show what would happen')
  .option('--concurrency <n>', 'recordings at once', '2')
  .option(now, nowHelp)
  .option('--json', 'machine-readable summary', false)
  .action((o: { dryRun?: boolean; concurrency?: string; now?: string; json?: boolean }) => recordingsTierCommand({ ...global(), ...o }));
recordings
  .command('verify')
  .description('read every recording back: decrypt, check integrity tags and SHA-256; exit 1 on any failure')
  .option('--json', 'machine-readable summary', false)
  .action((o: { json?: boolean }) => recordingsVerifyCommand({ ...global(), ...o }));
recordings
  .command('get')
  .description('write a recording’s decrypted audio (audited)')
  .argument('<id>', 'recording id')
  .option('-o, --output <file>', 'file to write (default: stdout, if not a terminal)')
  .option('--range <start-end>', 'a byte range of the audio, e.g. 0-1023')
  .option('--user <name>', 'who is listening, for the audit trail')
  .action((id: string, o: { output?: string; range?: string; user?: string }) => recordingsGetCommand(id, { ...global(), ...o }));
recordings
  .command('hold')
  .description('put a recording under legal hold (kept past its retention)')
  .argument('<id>')
  .action((id: string) => recordingsHoldCommand(id, true, global()));
recordings
  .command('release')
  .description('release a legal hold')
  .argument('<id>')
  .action((id: string) => recordingsHoldCommand(id, false, global()));
recordings.command('rebuild').description('recreate the catalogue from the sidecars in storage').action(() => recordingsRebuildCommand(global()));
recordings
  .command('rotate-key')
  .description('add a new master key, make it current and rewrap every data key (audio untouched)')
  .option('--no-new-key', 'only rewrap to the key already current')
  .action((o: { newKey?: boolean }) => recordingsRotateCommand({ ...global(), ...o }));
recordings.command('stats').description('recordings per tier, pending captures, worker counters').action(() => recordingsStatsCommand(global()));
recordings
  .command('worker')
  .description('run the tiering worker as its own process (recordings.worker.mode: separate)')
  .option('--once', 'one pass, then exit')
  .option(now, nowHelp)
  .action((o: { once?: boolean; now?: string }) => recordingsWorkerCommand({ ...global(), ...o }));

const api = program.command('api').description('control API credentials');
const apiKey = api.command('key').description('API keys (for scripts): stored hashed in Redis');
apiKey
  .command('create')
  .description('create a key and print it once')
  .requiredOption('--role <role>', 'admin | supervisor | agent')
  .option('--agent <id>', 'the agent an agent key acts as')
  .option('--name <text>', 'what it is for')
  .action((o: { role: string; agent?: string; name?: string }) => apiKeyCreateCommand({ ...global(), ...o }));
apiKey
  .command('list')
  .description('list keys (never their secrets)')
  .option('--json', 'machine-readable output', false)
  .action((o: { json?: boolean }) => apiKeyListCommand({ ...global(), ...o }));
apiKey
  .command('revoke')
  .description('revoke a key at once')
  .argument('<id>')
  .action((id: string) => apiKeyRevokeCommand(id, global()));
api
  .command('token')
  .description('print a signed bearer token (for people and desktops)')
  .requiredOption('--role <role>', 'admin | supervisor | agent')
  .option('--agent <id>', 'the agent an agent token acts as')
  .option('--ttl <seconds>', 'lifetime', '3600')
  .action((o: { role: string; agent?: string; ttl?: string }) => apiTokenCommand({ ...global(), ...o }));

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`hotline: ${message}\n`);
  process.exit(isHotlineError(err, 'CONFIG_INVALID') || isHotlineError(err, 'ROUTER_CONFIG_INVALID') ? 2 : 1);
});
