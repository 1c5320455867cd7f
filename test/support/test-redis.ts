import { connect } from 'node:net';

/** The Redis the tests that share counters between instances use (.ci/run starts it). */
export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * `it` for a test that needs TEST_REDIS_URL. Without a Redis there, the test is skipped with a
 * warning saying so, except under CI=true, where a missing Redis fails the file instead: CI must
 * never pass by skipping.
 */
export async function itWithRedis(): Promise<jest.It> {
  if (await answersPing(TEST_REDIS_URL)) return it;
  const problem = `Redis is not reachable at ${TEST_REDIS_URL}`;
  if (process.env.CI === 'true') throw new Error(`${problem}; CI=true runs every test (start redis-server)`);
  console.warn(`${problem}: skipping the tests that need it (start redis-server to run them)`);
  return it.skip;
}

/**
 * One PING over a plain socket: a Redis client (ioredis) that fails to connect keeps its
 * connect timer alive after disconnect(), holding jest open for seconds.
 */
function answersPing(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString('latin1').startsWith('+PONG')));
  });
}
