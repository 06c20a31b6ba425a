// One "controller" for the router concurrency test: many async deciders racing for a shared pool
// of agents through the real reservation script. Prints a JSON summary on stdout.
// argv: redisUrl prefix agentCount decisions parallel seed [mode]
// mode 'first' (default): reserve, then confirm by ringing (ring-all's way), some abandoned;
// mode 'ring': straight to ringing in one step (the queue's way), never abandoned (no lease).
import { Redis } from 'ioredis';
import { RedisAgents } from '../../../dist/controller/acd/redis-agents.js';

const [url, prefix, agentCountArg, decisionsArg, parallelArg, seedArg, mode = 'first'] =
  process.argv.slice(2);
const agentCount = Number(agentCountArg);
const decisions = Number(decisionsArg);
const parallel = Number(parallelArg);
let seed = Number(seedArg);
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

const redis = new Redis(url);
const agents = new RedisAgents(redis, prefix);
let remaining = decisions;
const out = {
  reserved: 0,
  confirmed: 0,
  released: 0,
  abandoned: 0,
  noneFree: 0,
  doubleBooked: 0,
  lapsedOnSettle: 0,
};

async function decider(n) {
  while (remaining > 0) {
    remaining--;
    const ranked = [];
    for (let i = 0; i < 3; i++) ranked.push(`a${Math.floor(rnd() * agentCount)}`);
    const reservation = `${process.pid}-${n}-${remaining}`;
    const candidates = [...new Set(ranked)];
    const got =
      mode === 'ring'
        ? await agents.reserveToRing(candidates, reservation, 300)
        : await agents.reserveFirst(candidates, reservation, 300);
    if (!got) {
      out.noneFree++;
      continue;
    }
    out.reserved++;
    // One in fifty reservations is abandoned, as by a controller that died: its lease must lapse.
    if (mode !== 'ring' && rnd() < 0.02) {
      out.abandoned++;
      continue;
    }
    const holders = await redis.incr(`${prefix}holders:${got}`);
    if (holders > 1) out.doubleBooked++;
    if (mode === 'ring' || (await agents.settle(got, reservation, 'ringing'))) out.confirmed++;
    else out.lapsedOnSettle++;
    await new Promise((r) => setTimeout(r, rnd() * 3));
    await redis.decr(`${prefix}holders:${got}`);
    if (await agents.settle(got, reservation, 'available')) out.released++;
    else out.lapsedOnSettle++;
  }
}

await Promise.all(Array.from({ length: parallel }, (_, n) => decider(n)));
process.stdout.write(`${JSON.stringify(out)}\n`);
redis.disconnect();
