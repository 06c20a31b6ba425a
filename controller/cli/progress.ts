/**
 * A progress bar on stderr for long CLI runs: redrawn in place on a terminal, a line every tenth
 * of the way otherwise (logs and CI keep a readable trace).
 */
export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): { update(done: number, total: number, note?: string): void; end(): void } {
  const tty = stream.isTTY === true;
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done, total, note = '') {
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      if (tty) {
        const width = 30;
        const fill = Math.round(frac * width);
        stream.write(
          `\r${label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${done}/${total} ${note}`
            .slice(0, (stream.columns || 100) - 1)
            .padEnd(Math.min(99, (stream.columns || 100) - 1)),
        );
        drawn = true;
        return;
      }
      const tenth = Math.floor(frac * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stream.write(`${label}: ${done}/${total} (${Math.round(frac * 100)} %)\n`);
      }
    },
    end() {
      if (tty && drawn) stream.write('\n');
    },
  };
}
