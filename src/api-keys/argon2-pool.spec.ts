import { AppConfig } from '../config/app-config.js';
import { Argon2Pool, type Argon2Lane } from './argon2-pool.js';

/** argon2 runs the test settles by hand, and the most that ever ran at once. */
class HeldRuns {
  readonly started: Array<{ lane: Argon2Lane; label: string; finish: () => void }> = [];
  private running = 0;
  peak = 0;

  task(lane: Argon2Lane, label: string): () => Promise<string> {
    return () =>
      new Promise<string>((resolve) => {
        this.running++;
        this.peak = Math.max(this.peak, this.running);
        this.started.push({
          lane,
          label,
          finish: () => {
            this.running--;
            resolve(label);
          },
        });
      });
  }

  finish(label: string): void {
    this.started.find((run) => run.label === label)!.finish();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Argon2Pool (issue 19 item 5)', () => {
  const pool = (slots: number, queued: number) =>
    new Argon2Pool(AppConfig.fromEnv({ DATA_DIR: '/tmp/rr-argon2-pool-spec', AUTH_MAX_CONCURRENT_VERIFICATIONS: String(slots), AUTH_MAX_QUEUED_VERIFICATIONS: String(queued) }));

  it('runs at most its slots at once, verifications and hashes together', async () => {
    const p = pool(2, 100);
    const runs = new HeldRuns();
    const all = Array.from({ length: 10 }, (_, i) => p.run(i % 2 ? 'hash' : 'verify', runs.task(i % 2 ? 'hash' : 'verify', `r${i}`)));
    for (let i = 0; i < 10; i++) {
      await tick();
      runs.started.at(-1)?.finish();
      await tick();
    }
    for (const run of runs.started) run.finish();
    await Promise.all(all);
    expect(runs.peak).toBe(2);
  });

  it('never lets hashing take the last slot, and gives a freed slot to a waiting verification first', async () => {
    const p = pool(2, 100);
    const runs = new HeldRuns();
    const hashes = Array.from({ length: 5 }, (_, i) => p.run('hash', runs.task('hash', `h${i}`)));
    await tick();
    expect(runs.started.map((run) => run.label)).toEqual(['h0']);

    const login = p.run('verify', runs.task('verify', 'login'));
    await tick();
    expect(runs.started.map((run) => run.label)).toEqual(['h0', 'login']);

    // A second login waits; when the first hash ends, it goes before the four waiting hashes.
    const second = p.run('verify', runs.task('verify', 'second'));
    await tick();
    runs.finish('h0');
    await tick();
    expect(runs.started.map((run) => run.label)).toEqual(['h0', 'login', 'second']);
    runs.finish('login');
    runs.finish('second');
    await Promise.all([login, second]);
    for (let i = 1; i < 5; i++) {
      await tick();
      runs.finish(`h${i}`);
    }
    await expect(Promise.all(hashes)).resolves.toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
  });

  it('sheds a run with 503 when its lane queue is full, the other lane unaffected', async () => {
    const p = pool(2, 2);
    const runs = new HeldRuns();
    const held = [p.run('hash', runs.task('hash', 'h0')), p.run('hash', runs.task('hash', 'h1')), p.run('hash', runs.task('hash', 'h2'))];
    await expect(p.run('hash', runs.task('hash', 'h3'))).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { retryAfterMs: 1_000 } });
    const login = p.run('verify', runs.task('verify', 'login'));
    await tick();
    expect(runs.started.map((run) => run.label)).toContain('login');
    runs.finish('login');
    await login;
    for (const label of ['h0', 'h1', 'h2']) {
      await tick();
      runs.finish(label);
    }
    await Promise.all(held);
  });
});
