import { readdir, readFile } from 'node:fs/promises';

/** Live child processes of this process whose command name starts with `name` (Linux /proc). */
export async function childrenNamed(name: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (Number(ppid) === process.pid && comm.length > 0 && name.startsWith(comm))
        found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
