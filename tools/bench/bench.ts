import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../controller/config/schema.js';
import {
  controllerPid,
  startControllerProcess,
  stopControllerProcess,
} from '../lab/controller-process.js';
import { labPaths } from '../lab/paths.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';

/** What the lab benchmarks share: the lab controller paused for the run, results saved, errors reported. */

/**
 * A benchmark runs its own controller on the lab's Stasis application: a running lab controller
 * is stopped, and the returned function starts it again.
 */
export async function pauseLabController(config: Config): Promise<() => Promise<void>> {
  const paths = labPaths(config.lab);
  const had = await controllerPid(paths);
  if (had) await stopControllerProcess(paths);
  return async () => {
    if (had)
      await startControllerProcess(
        paths,
        process.env.HOTLINE_CONFIG,
        `http://${config.api.host}:${config.api.port}/readyz`,
      );
  };
}

/** Saves `report` as bench/results/<name>.json and prints `shown` (default: the report) and where it went. */
export async function saveResult(
  name: string,
  report: unknown,
  shown: unknown = report,
): Promise<void> {
  const out = join(PROJECT_ROOT, 'bench', 'results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(shown, null, 2)}\nsaved bench/results/${name}.json\n`);
}

/** Runs a benchmark's main; a failure prints its stack and exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
