import { readFile } from 'node:fs/promises';
import { cpuSeconds, rssKb } from '../lab/proc-cpu.js';

/**
 * CPU and memory of named groups of processes (Asterisk, the controller, Redis, the SIPp callers,
 * the SIPp phones), and of the whole machine, sampled from /proc once a period. CPU is in percent
 * of one core (200 % is both cores of this machine).
 */
export interface GroupUsage {
  cpuPercent: { mean: number; peak: number };
  rssMb: { first: number; peak: number; last: number };
}

export interface Usage {
  machineCpuPercent: { mean: number; peak: number; cores: number };
  groups: Record<string, GroupUsage>;
  samples: number;
}

const TICKS = 100;

async function machineTimes(): Promise<{ busy: number; total: number; cores: number }> {
  const text = await readFile('/proc/stat', 'utf8');
  const nums = (text.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (nums[3] ?? 0) + (nums[4] ?? 0);
  const total = nums.slice(0, 8).reduce((a, b) => a + b, 0);
  return {
    busy: (total - idle) / TICKS,
    total: total / TICKS,
    cores: (text.match(/^cpu\d+ /gm) ?? []).length,
  };
}

export class ProcessSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly cpu = new Map<string, Sample[]>();
  private readonly rss = new Map<string, Sample[]>();
  private readonly machine: Sample[] = [];
  private last:
    { at: number; groups: Map<string, number>; busy: number; total: number } | undefined;
  private cores = 1;

  /** `groups` is asked for its pids at every sample, so processes started later are picked up. */
  constructor(private readonly groups: () => Record<string, (number | undefined)[]>) {}

  start(periodMs = 1000): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), periodMs);
  }

  /** One sample at a time: on a saturated machine reading /proc can outlast the period. */
  private inFlight: Promise<void> | undefined;
  private tick(): void {
    this.inFlight ??= this.sample().finally(() => (this.inFlight = undefined));
  }

  /** Percent of one core for each group over the last period (for the progress line). */
  latest(): Record<string, number> {
    return Object.fromEntries([...this.cpu].map(([k, v]) => [k, v[v.length - 1]?.v ?? 0]));
  }

  latestMachine(): number {
    return this.machine[this.machine.length - 1]?.v ?? 0;
  }

  /**
   * Stops sampling. CPU means are over `window` (Date.now() times; default: all), so a ramp-up
   * or the last calls draining do not dilute the steady state; peaks and memory are over the run.
   */
  async stop(window?: { from: number; to: number }): Promise<Usage> {
    clearInterval(this.timer);
    await this.inFlight;
    await this.sample();
    const inWindow = (s: Sample): boolean => !window || (s.t >= window.from && s.t <= window.to);
    const groups: Record<string, GroupUsage> = {};
    for (const name of Object.keys(this.groups())) {
      const cpu = this.cpu.get(name) ?? [];
      // Memory while the group was running: SIPp processes start after the sampler and end before it.
      const rss = (this.rss.get(name) ?? []).map((s) => s.v).filter((v) => v > 0);
      groups[name] = {
        cpuPercent: {
          mean: mean(cpu.filter(inWindow).map((s) => s.v)),
          peak: max(cpu.map((s) => s.v)),
        },
        rssMb: { first: rss[0] ?? 0, peak: max(rss), last: rss[rss.length - 1] ?? 0 },
      };
    }
    const machine = this.machine.filter(inWindow).map((s) => s.v);
    return {
      machineCpuPercent: {
        mean: mean(machine),
        peak: max(this.machine.map((s) => s.v)),
        cores: this.cores,
      },
      groups,
      samples: this.machine.length,
    };
  }

  private async sample(): Promise<void> {
    const m = await machineTimes();
    this.cores = m.cores;
    const totals = new Map<string, number>();
    const rss = new Map<string, number>();
    for (const [name, pids] of Object.entries(this.groups())) {
      let cpu = 0;
      let kb = 0;
      for (const pid of pids) {
        cpu += (await cpuSeconds(pid)) ?? 0;
        kb += (await rssKb(pid)) ?? 0;
      }
      totals.set(name, cpu);
      rss.set(name, Math.round(kb / 1024));
    }
    // Taken after the reads: on a saturated machine they can take a while.
    const at = performance.now();
    const t = Date.now();
    for (const [name, v] of rss) push(this.rss, name, { t, v });
    const prev = this.last;
    if (prev) {
      const seconds = (at - prev.at) / 1000;
      if (seconds > 0.2) {
        for (const [name, cpu] of totals) {
          // A group whose processes came or went in the period reads as 0, not as a jump.
          const before = prev.groups.get(name);
          const percent =
            before === undefined || cpu < before ? 0 : Math.round((100 * (cpu - before)) / seconds);
          push(this.cpu, name, { t, v: Math.min(percent, 100 * m.cores) });
        }
        const total = m.total - prev.total;
        this.machine.push({
          t,
          v: total > 0 ? Math.round((100 * m.cores * (m.busy - prev.busy)) / total) : 0,
        });
      }
    }
    this.last = { at, groups: totals, busy: m.busy, total: m.total };
  }
}

interface Sample {
  t: number;
  v: number;
}

function push(map: Map<string, Sample[]>, key: string, v: Sample): void {
  const list = map.get(key) ?? [];
  list.push(v);
  map.set(key, list);
}
const mean = (v: number[]): number =>
  v.length ? Math.round(v.reduce((a, b) => a + b, 0) / v.length) : 0;
const max = (v: number[]): number => v.reduce((a, b) => Math.max(a, b), 0);
