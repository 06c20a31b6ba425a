import { readCatalogue } from '../../../media/prompts.js';
import { defaultFlowsDir } from '../../ivr/directory.js';
import { loadFlowFolder } from '../../ivr/load.js';
import { indexPrompts } from '../../ivr/prompt-index.js';
import { flowJsonSchema } from '../../ivr/schema.js';
import { loadRouting } from '../../acd/config-load.js';
import { routingDir } from '../../acd/directory.js';
import { configFrom } from '../config-option.js';

/**
 * `hotline flows validate [DIR]`: every flow file checked (schema, graph, prompts, queues), one line
 * per problem `file:line: key: reason`; exit status 1 when any.
 */
export async function flowsValidateCommand(
  dir: string | undefined,
  opts: { config?: string },
): Promise<void> {
  const { config } = configFrom(opts);
  const target = dir ?? (config.flows.dir || defaultFlowsDir());
  let queues: Set<string> | undefined;
  try {
    queues = new Set(loadRouting(routingDir(config)).queues.map((q) => q.id));
  } catch {
    process.stderr.write('warning: routing configuration not loadable; queue names not checked\n');
  }
  const result = loadFlowFolder(target, { prompts: indexPrompts(await readCatalogue()), queues });
  const problems = [...[...result.failed.values()].flat(), ...result.conflicts];
  for (const p of problems) process.stdout.write(`${p}\n`);
  for (const flow of result.flows.values()) {
    if (!result.failed.has(flow.file))
      process.stdout.write(
        `${flow.file}: ${flow.flow} OK (${Object.keys(flow.nodes).length} nodes, numbers ${[...flow.numbers, ...flow.patterns].join(' ')})\n`,
      );
  }
  if (problems.length > 0) process.exitCode = 1;
}

/** `hotline flows schema`: the JSON Schema of a flow file, for editors. */
export function flowsSchemaCommand(): void {
  process.stdout.write(`${JSON.stringify(flowJsonSchema(), null, 2)}\n`);
}
