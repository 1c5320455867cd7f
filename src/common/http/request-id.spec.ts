import type { IncomingMessage } from 'node:http';
import { requestIdFor } from './request-id.js';

const withHeader = (value?: string | string[]) => ({ headers: { 'x-request-id': value } }) as unknown as IncomingMessage;

describe('requestIdFor', () => {
  it('keeps a well-formed incoming id', () => {
    expect(requestIdFor(withHeader('abc-123:x.y_z'))).toBe('abc-123:x.y_z');
  });

  it.each([[undefined], [''], ['has space'], ['x'.repeat(129)], [['a', 'b']], ['<script>']])(
    'replaces %j with a fresh UUID',
    (value) => {
      expect(requestIdFor(withHeader(value as string))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
    },
  );
});
