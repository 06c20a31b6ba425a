import { join } from 'node:path';
import { parseYamlFile as parseFile } from '../config/yaml-file.js';
import { HotlineError } from '../../lib/errors.js';
import { checkRouting, describeProblem } from './config-check.js';
import { agentsFileSchema, queuesFileSchema, type RoutingConfig } from './config-schema.js';

/**
 * Loads and checks dialplan/routing/{agents,queues}.yaml. Every problem is one line,
 * `file:line: key: reason`, and all of them are reported at once; nothing half-valid is returned.
 */
export function loadRouting(dir: string): RoutingConfig {
  const problems: string[] = [];
  const agentsFile = join(dir, 'agents.yaml');
  const queuesFile = join(dir, 'queues.yaml');
  const agents = parseFile(agentsFile, agentsFileSchema, problems);
  const queues = parseFile(queuesFile, queuesFileSchema, problems);
  if (agents && queues) {
    const at = { agents: agents.where, queues: queues.where };
    for (const p of checkRouting({
      skills: queues.value.skills,
      agents: agents.value.agents,
      queues: queues.value.queues,
    })) {
      problems.push(`${at[p.file](p.path)}: ${describeProblem(p)}`);
    }
  }
  if (problems.length > 0 || !agents || !queues) {
    throw new HotlineError(
      'ROUTER_CONFIG_INVALID',
      `routing configuration rejected:\n  ${problems.join('\n  ')}`,
      { details: { problems } },
    );
  }
  return {
    skills: queues.value.skills,
    historyHours: queues.value.historyHours,
    agents: agents.value.agents,
    queues: queues.value.queues,
  };
}
