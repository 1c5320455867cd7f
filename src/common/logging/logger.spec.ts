import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

describe('process logger', () => {
  it('never writes a presented API key, whichever header a client sent it in', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString('utf8')), done()) });
    const logger = createLogger('info', destination);
    const headers = { authorization: 'Bearer rrk_a', 'x-api-key': 'rrk_b', 'api-key': 'rrk_c', accept: 'application/json' };
    logger.info({ req: { headers } }, 'request');
    logger.info({ headers }, 'upstream');
    const text = lines.join('');
    expect(text).not.toMatch(/rrk_[abc]/);
    expect(text.match(/\[redacted\]/g)).toHaveLength(6);
    expect(text).toContain('application/json');
  });
});
