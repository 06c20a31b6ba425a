import { readFile } from 'node:fs/promises';

/** CPU seconds (user + system) a process has used so far, from /proc; undefined if it is gone. */
export async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process in kB, from /proc; undefined if it is gone. */
export async function rssKb(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kb = status ? /VmRSS:\s+(\d+)/.exec(status)?.[1] : undefined;
  return kb === undefined ? undefined : Number(kb);
}
