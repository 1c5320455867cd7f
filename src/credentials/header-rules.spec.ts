import { headerNameProblem, headerValueProblem, upstreamHeaders } from './header-rules.js';

describe('header rules', () => {
  it.each(['Host', 'cookie', 'Content-Type', 'Content-Length', 'Content-Encoding', 'Transfer-Encoding', 'Accept-Encoding', 'Connection', 'Keep-Alive', 'Upgrade', 'Expect', 'TE', 'Trailer', 'HTTP2-Settings', 'Proxy-Authorization', 'proxy-anything'])(
    'refuses the transport or hop-by-hop header %s',
    (name) => {
      expect(headerNameProblem(name)).toMatch(/the HTTP client sets that header/);
    },
  );

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'Constructor'])('refuses the object key %s', (name) => {
    expect(headerNameProblem(name)).toBeDefined();
  });

  it.each(['', 'Bad Header', 'x:y', 'é', 'a'.repeat(101), 42])('refuses %p as a header name', (name) => {
    expect(headerNameProblem(name)).toMatch(/HTTP header name/);
  });

  it.each(['Authorization', 'X-Api-Key', 'x-goog-user-project', 'Accept-Language'])('accepts %s', (name) => {
    expect(headerNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['another C0 control', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['a character above U+00FF', 'a\u0100b'],
    ['a line separator', 'a\u2028b'],
    ['a lone surrogate', 'a\ud800'],
    ['an emoji', 'a\u{1f600}'],
  ])('refuses a value with %s', (_what, value) => {
    expect(headerValueProblem(value)).toMatch(/printable Latin-1/);
  });

  it.each(['', 'Bearer ', 'sk-live_abc/+=', 'tab\there', 'caf\u00e9 \u00ff'])('accepts the value %p', (value) => {
    expect(headerValueProblem(value)).toBeUndefined();
  });

  it('builds headers in an object without a prototype, later sources winning, names lowercased', () => {
    const stored = JSON.parse('{"__proto__": {"polluted": "yes"}, "X-Team": "a", "Accept": "text/html"}') as Record<string, string>;
    const headers = upstreamHeaders(stored, { accept: 'application/json' }, { Authorization: 'Bearer s' });
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect(Object.keys(headers)).toEqual(['__proto__', 'x-team', 'accept', 'authorization']);
    expect(headers.accept).toBe('application/json');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
