import { Command } from 'commander';
import { isHotlineError } from '../../lib/errors.js';
import { registerPromptsCommand } from './commands/prompts.js';

type Command_<M, K extends keyof M> = M[K] extends (...a: infer A) => unknown
  ? (...a: A) => Promise<void>
  : never;
/** A command whose module loads on use: `hotline --help` need not load the lab, SIPp or the speech engine. */
export function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): Command_<M, K> {
  return (async (...a: unknown[]) => {
    const m = (await load()) as Record<K, (...x: unknown[]) => unknown>;
    await m[name](...a);
  }) as Command_<M, K>;
}

const flowsSchemaCommand = lazy(() => import('./commands/flows.js'), 'flowsSchemaCommand');
const routingCheckCommand = lazy(() => import('./commands/routing.js'), 'routingCheckCommand');
const flowsValidateCommand = lazy(() => import('./commands/flows.js'), 'flowsValidateCommand');
const agentStateCommand = lazy(() => import('./commands/routing.js'), 'agentStateCommand');
const agentsListCommand = lazy(() => import('./commands/routing.js'), 'agentsListCommand');
const queuesListCommand = lazy(() => import('./commands/routing.js'), 'queuesListCommand');
const startCommand = lazy(() => import('./commands/start.js'), 'startCommand');
const recordingsGetCommand = lazy(() => import('./commands/recordings.js'), 'recordingsGetCommand');
const recordingsHoldCommand = lazy(
  () => import('./commands/recordings.js'),
  'recordingsHoldCommand',
);
const recordingsListCommand = lazy(
  () => import('./commands/recordings.js'),
  'recordingsListCommand',
);
const recordingsRebuildCommand = lazy(
  () => import('./commands/recordings.js'),
  'recordingsRebuildCommand',
);
const recordingsRotateCommand = lazy(
  () => import('./commands/recordings.js'),
  'recordingsRotateCommand',
);
const recordingsStatsCommand = lazy(
  () => import('./commands/recordings.js'),
  'recordingsStatsCommand',
);
const recordingsTierCommand = lazy(
  () => import('./commands/recordings.js'),
  'recordingsTierCommand',
);
const recordingsVerifyCommand = lazy(
  () => import('./commands/recordings.js'),
  'recordingsVerifyCommand',
);
const recordingsWorkerCommand = lazy(
  () => import('./commands/recordings.js'),
  'recordingsWorkerCommand',
);
const apiKeyCreateCommand = lazy(() => import('./commands/api.js'), 'apiKeyCreateCommand');
const apiKeyListCommand = lazy(() => import('./commands/api.js'), 'apiKeyListCommand');
const apiKeyRevokeCommand = lazy(() => import('./commands/api.js'), 'apiKeyRevokeCommand');
const apiTokenCommand = lazy(() => import('./commands/api.js'), 'apiTokenCommand');
const privacyEraseCommand = lazy(() => import('./commands/privacy.js'), 'privacyEraseCommand');

export interface Program {
  program: Command;
  /** The options every command shares (`--config`). */
  global: () => { config?: string };
}

/** The production commands. Tooling (lab, call, load) is added by tools/cli, never imported here. */
export function buildProgram(): Program {
  const program = new Command('hotline').description(
    '400-number contact-center controller for Asterisk and FreeSWITCH',
  );
  program.option(
    '-c, --config <file>',
    'YAML configuration file (default: $HOTLINE_CONFIG, else the local-lab defaults)',
  );
  const global = (): { config?: string } => program.opts<{ config?: string }>();

  program
    .command('start')
    .description('run the controller against the configured media servers')
    .action(() => startCommand(global()));

  const routing = program
    .command('routing')
    .description('agents, queues and region tables (dialplan/routing)');
  routing
    .command('check')
    .description('validate a routing folder; one line per problem (file:line: key: reason)')
    .argument('[dir]', 'folder with agents.yaml and queues.yaml')
    .action((dir: string | undefined) => routingCheckCommand(dir, global()));

  const flows = program.command('flows').description('IVR flows (dialplan/flows)');
  flows
    .command('validate')
    .description(
      'check a folder of flow files; one line per problem (file:line: key: reason), exit 1 if any',
    )
    .argument('[dir]', 'folder of *.yaml flow files')
    .action((dir: string | undefined) => flowsValidateCommand(dir, global()));
  flows
    .command('schema')
    .description('print the JSON Schema of flow files (for editors)')
    .action(() => flowsSchemaCommand());

  registerPromptsCommand(program);

  const agents = program.command('agents').description('list agents with their live state');
  agents
    .option('--json', 'machine-readable output', false)
    .action((o: { json: boolean }) => agentsListCommand({ ...global(), ...o }));
  agents
    .command('state')
    .description(
      'change an agent’s state (log in, break, resume, log out), checked by the state machine',
    )
    .argument('<id>', 'agent id')
    .argument('<state>', 'available | on-break | logged-out')
    .option('--reason <text>', 'why (for a break)')
    .action((id: string, state: string, o: { reason?: string }) =>
      agentStateCommand(id, state, { ...global(), ...o }),
    );

  program
    .command('queues')
    .description(
      'list queues with today’s figures: waiting, longest wait, offered, answered, abandoned, SL, SL2, ASA',
    )
    .option('--json', 'machine-readable output', false)
    .action((o: { json: boolean }) => queuesListCommand({ ...global(), ...o }));

  const recordings = program
    .command('recordings')
    .description('recorded conversations: catalogue, tiers (hot, warm, cold), checks and keys');
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
    .description(
      'move what is due hot → warm → cold, delete what passed its retention (not on legal hold)',
    )
    .option('--dry-run', 'only show what would happen')
    .option('--concurrency <n>', 'recordings at once', '2')
    .option(now, nowHelp)
    .option('--json', 'machine-readable summary', false)
    .action((o: { dryRun?: boolean; concurrency?: string; now?: string; json?: boolean }) =>
      recordingsTierCommand({ ...global(), ...o }),
    );
  recordings
    .command('verify')
    .description(
      'read every recording back: decrypt, check integrity tags and SHA-256; exit 1 on any failure',
    )
    .option('--json', 'machine-readable summary', false)
    .action((o: { json?: boolean }) => recordingsVerifyCommand({ ...global(), ...o }));
  recordings
    .command('get')
    .description('write a recording’s decrypted audio (audited)')
    .argument('<id>', 'recording id')
    .option('-o, --output <file>', 'file to write (default: stdout, if not a terminal)')
    .option('--range <start-end>', 'a byte range of the audio, e.g. 0-1023')
    .option('--user <name>', 'who is listening, for the audit trail')
    .action((id: string, o: { output?: string; range?: string; user?: string }) =>
      recordingsGetCommand(id, { ...global(), ...o }),
    );
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
  recordings
    .command('rebuild')
    .description('recreate the catalogue from the sidecars in storage')
    .action(() => recordingsRebuildCommand(global()));
  recordings
    .command('rotate-key')
    .description(
      'add a new master key, make it current and rewrap every data key (audio untouched)',
    )
    .option('--no-new-key', 'only rewrap to the key already current')
    .action((o: { newKey?: boolean }) => recordingsRotateCommand({ ...global(), ...o }));
  recordings
    .command('stats')
    .description('recordings per tier, pending captures, worker counters')
    .action(() => recordingsStatsCommand(global()));
  recordings
    .command('worker')
    .description('run the tiering worker as its own process (recordings.worker.mode: separate)')
    .option('--once', 'one pass, then exit')
    .option(now, nowHelp)
    .action((o: { once?: boolean; now?: string }) =>
      recordingsWorkerCommand({ ...global(), ...o }),
    );

  const api = program.command('api').description('control API credentials');
  const apiKey = api.command('key').description('API keys (for scripts): stored hashed in Redis');
  apiKey
    .command('create')
    .description('create a key and print it once')
    .requiredOption('--role <role>', 'admin | supervisor | agent')
    .option('--agent <id>', 'the agent an agent key acts as')
    .option('--name <text>', 'what it is for')
    .action((o: { role: string; agent?: string; name?: string }) =>
      apiKeyCreateCommand({ ...global(), ...o }),
    );
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
    .action((o: { role: string; agent?: string; ttl?: string }) =>
      apiTokenCommand({ ...global(), ...o }),
    );

  const privacy = program
    .command('privacy')
    .description('personal data of callers (docs/personal-data.md)');
  privacy
    .command('erase')
    .description(
      'find and delete what is kept about a caller: call records, service history, ' +
        'callback requests, voicemail, recordings (not those on legal hold)',
    )
    .requiredOption(
      '--number <number>',
      'the caller number; repeat for every form it may have arrived in (13812345678, +8613812345678)',
      (v: string, list: string[]) => [...list, v],
      [] as string[],
    )
    .option('--dry-run', 'only show what would be erased')
    .option('--json', 'machine-readable report', false)
    .action((o: { number: string[]; dryRun?: boolean; json?: boolean }) =>
      privacyEraseCommand({ ...global(), ...o }),
    );

  return { program, global };
}

/** Runs the CLI; exit 2 for configuration errors, 1 for others. */
export function runProgram(program: Command): void {
  // `hotline flows schema | head`: a reader that stops early is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  program.parseAsync(process.argv).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`hotline: ${message}\n`);
    process.exit(
      isHotlineError(err, 'CONFIG_INVALID') || isHotlineError(err, 'ROUTER_CONFIG_INVALID') ? 2 : 1,
    );
  });
}
