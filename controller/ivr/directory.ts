import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import type { CheckContext } from './check.js';
import { loadFlowFolder, numberConflicts } from './load.js';
import type { Flow } from './schema.js';

export const defaultFlowsDir = (): string => join(PROJECT_ROOT, 'dialplan', 'flows');

/**
 * The flows in service, by called number. The folder is read again whenever a file in it changes;
 * a file that fails its checks keeps its last good version in service (and the problems are
 * logged), so a typo never takes a hotline down. A call holds the Flow object it started with,
 * so reloading never changes a call in progress.
 */
export class FlowDirectory {
  private byFile = new Map<string, Flow>();
  private exact = new Map<string, Flow>();
  private patterns: { re: RegExp; flow: Flow }[] = [];
  private watcher: FSWatcher | undefined;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    readonly dir: string,
    private readonly ctx: () => CheckContext,
    private readonly log: Logger,
  ) {}

  /** Loads the folder; returns the problems found (also logged). */
  reload(): string[] {
    const result = loadFlowFolder(this.dir, this.ctx());
    const problems = [...[...result.failed.values()].flat(), ...result.conflicts];
    const next = new Map(result.flows);
    // A broken file keeps the version that served before.
    for (const file of result.failed.keys()) {
      const previous = this.byFile.get(file);
      if (previous) next.set(file, previous);
    }
    if (numberConflicts([...next.values()]).length > 0) {
      this.log.error(
        { problems },
        'flows rejected: numbers claimed twice; the previous flows keep serving',
      );
      return problems;
    }
    this.install(next);
    if (problems.length > 0)
      this.log.error(
        { problems },
        'some flow files rejected; their last good versions keep serving',
      );
    this.log.info(
      { flows: [...next.values()].map((f) => `${f.flow}@${f.version}`) },
      'flows loaded',
    );
    return problems;
  }

  /** Starts following the folder (changes are picked up within ~200 ms). */
  watch(): void {
    try {
      this.watcher = watch(this.dir, () => {
        clearTimeout(this.pending);
        // Editors write in several steps: read once they are done.
        this.pending = setTimeout(() => this.reload(), 200);
      });
      this.watcher.on('error', (err) => this.log.warn({ err }, 'flow folder watch failed'));
    } catch (err) {
      this.log.warn({ err, dir: this.dir }, 'cannot watch the flow folder; changes need a restart');
    }
  }

  close(): void {
    clearTimeout(this.pending);
    this.watcher?.close();
  }

  /** The flow serving a called number: exact numbers first, then patterns in file order. */
  forNumber(called: string): Flow | undefined {
    return this.exact.get(called) ?? this.patterns.find((p) => p.re.test(called))?.flow;
  }

  list(): Flow[] {
    return [...this.byFile.values()];
  }

  private install(next: Map<string, Flow>): void {
    this.byFile = next;
    this.exact = new Map();
    this.patterns = [];
    for (const flow of [...next.values()].sort((a, b) => a.file.localeCompare(b.file))) {
      for (const n of flow.numbers) this.exact.set(n, flow);
      for (const p of flow.patterns) this.patterns.push({ re: new RegExp(p), flow });
    }
  }
}
