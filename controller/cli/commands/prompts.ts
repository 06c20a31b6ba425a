import type { Command } from 'commander';

/**
 * `hotline prompts build --out DIR [--hold-music FILE]`: every catalogue prompt as 8 kHz WAV under
 * `DIR/<lang>/<id>.wav` (recorded files already there are kept, the rest synthesised with
 * espeak-ng and sox), and optionally a hold-music file. The Asterisk image runs it when it is built.
 */
export async function promptsBuildCommand(opts: {
  out: string;
  holdMusic?: string;
}): Promise<void> {
  const { ensureHoldMusic, ensurePrompts, readCatalogue } =
    await import('../../../media/prompts.js');
  const catalogue = await readCatalogue();
  const { generated } = await ensurePrompts(opts.out, catalogue);
  process.stdout.write(
    `prompts: ${String(catalogue.length)} in ${opts.out}, ${String(generated.length)} synthesised\n`,
  );
  if (opts.holdMusic) {
    await ensureHoldMusic(opts.holdMusic);
    process.stdout.write(`hold music: ${opts.holdMusic}\n`);
  }
}

/** The `prompts` command group (registered from cli/main.ts; the work loads only when run). */
export function registerPromptsCommand(program: Command): void {
  program
    .command('prompts')
    .description('the prompt audio media servers play (media/prompts catalogue)')
    .command('build')
    .description(
      'write every catalogue prompt as 8 kHz WAV (recorded files kept, the rest synthesised with espeak-ng and sox)',
    )
    .requiredOption('--out <dir>', 'folder for <lang>/<id>.wav, e.g. /var/lib/hotline/prompts')
    .option('--hold-music <file>', 'also write a short hold-music WAV there if missing')
    .action((o: { out: string; holdMusic?: string }) => promptsBuildCommand(o));
}
