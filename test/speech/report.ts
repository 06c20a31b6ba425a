import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Utterance } from '../../tools/speech/corpus.js';

/** One recognition of one corpus utterance. */
export interface Outcome {
  u: Utterance;
  intent?: string | undefined;
  text: string;
  confidence: number;
  engineMs: number;
}

export interface Tally {
  n: number;
  correct: number;
  accuracy: number;
}

export interface LanguageReport {
  utterances: number;
  overall: Tally;
  byVoice: Record<string, Tally>;
  bySpeed: Record<string, Tally>;
  byNoise: Record<string, Tally>;
  /** Wrong intent given (not rejected) — the costly error in an IVR. */
  wrongIntent: number;
  rejected: number;
  offTopic?: { n: number; rejected: number; rate: number };
  engineMs: { p50: number; p99: number; max: number };
  misses: string[];
}

export function tally(rows: readonly Outcome[]): Tally {
  const correct = rows.filter((r) => r.intent === r.u.intent).length;
  return { n: rows.length, correct, accuracy: rows.length ? round(correct / rows.length) : 0 };
}

function by(rows: readonly Outcome[], key: (r: Outcome) => string): Record<string, Tally> {
  const groups = new Map<string, Outcome[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return Object.fromEntries([...groups].map(([k, v]) => [k, tally(v)]));
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

export function languageReport(rows: readonly Outcome[]): LanguageReport {
  const ms = rows.map((r) => r.engineMs).sort((a, b) => a - b);
  return {
    utterances: rows.length,
    overall: tally(rows),
    byVoice: by(rows, (r) => r.u.voice),
    bySpeed: by(rows, (r) => `${String(r.u.speed)} wpm`),
    byNoise: by(rows, (r) => (r.u.noisy ? 'noisy' : 'clean')),
    wrongIntent: rows.filter((r) => r.intent !== undefined && r.intent !== r.u.intent).length,
    rejected: rows.filter((r) => r.intent === undefined).length,
    engineMs: { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99), max: ms.at(-1) ?? 0 },
    misses: rows
      .filter((r) => r.intent !== r.u.intent)
      .map(
        (r) =>
          `${r.u.text} [${r.u.voice} ${String(r.u.speed)} ${r.u.noisy ? 'noisy' : 'clean'}] heard "${r.text}" -> ${r.intent ?? 'no match'} (${r.confidence.toFixed(2)})`,
      ),
  };
}

/** A plain-text table for the test log. */
export function formatReport(language: string, r: LanguageReport): string {
  const row = (label: string, t: Tally): string =>
    `  ${label.padEnd(22)} ${`${String(t.correct)}/${String(t.n)}`.padStart(8)}  ${(t.accuracy * 100).toFixed(1).padStart(5)} %`;
  return [
    `speech ${language}: ${String(r.overall.correct)}/${String(r.overall.n)} right (${(r.overall.accuracy * 100).toFixed(1)} %), ${String(r.wrongIntent)} wrong intent, ${String(r.rejected)} rejected; engine ${String(r.engineMs.p50)} ms p50, ${String(r.engineMs.p99)} ms p99 per utterance`,
    ...Object.entries(r.byVoice).map(([k, t]) => row(`voice ${k}`, t)),
    ...Object.entries(r.bySpeed).map(([k, t]) => row(`speed ${k}`, t)),
    ...Object.entries(r.byNoise).map(([k, t]) => row(k, t)),
    ...(r.offTopic
      ? [
          `  off-topic rejected     ${`${String(r.offTopic.rejected)}/${String(r.offTopic.n)}`.padStart(8)}  ${(r.offTopic.rate * 100).toFixed(1).padStart(5)} %`,
        ]
      : []),
  ].join('\n');
}

export async function writeJson(file: string, data: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(data, null, 2) + '\n');
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
