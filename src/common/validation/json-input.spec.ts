import { jsonInputProblem, MAX_JSON_DEPTH, nestsWithin } from './json-input.js';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};
const check = (value: unknown) => jsonInputProblem(value, 'body', { checkStrings: true });

describe('jsonInputProblem', () => {
  it('accepts ordinary bodies, nesting up to the limit, and paired surrogates', () => {
    expect(check({ query: 'q', documents: ['a', { text: 'b 😀', meta: [1, null, true] }] })).toBeUndefined();
    expect(check(nested(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it('refuses nesting past the limit, naming where', () => {
    expect(check(nested(MAX_JSON_DEPTH + 1))).toMatch(/^body(\.a)+ nests deeper than 64 levels$/);
  });

  it('refuses NUL and unpaired surrogates in values and keys, without echoing them', () => {
    expect(check({ labels: { env: 'a\0' } })).toBe('body.labels.env contains a NUL character');
    expect(check(['ok', 'x\uD800'])).toBe('body.1 contains an unpaired UTF-16 surrogate');
    expect(check({ 'k\uDC00': 'v' })).toBe('body.k\uFFFD (a property name) contains an unpaired UTF-16 surrogate');
  });

  it('refuses prototype keys that JSON.parse keeps as own properties', () => {
    expect(check(JSON.parse('{"a":{"__proto__":{"x":1}}}'))).toBe('body.a.__proto__ is a forbidden property name');
    expect(check(JSON.parse('{"constructor":{"prototype":{}}}'))).toBe('body.constructor is a forbidden property name');
    expect(check({ constructor: 'a field named constructor is fine' })).toBeUndefined();
  });

  it('skips string checks when told none can be there', () => {
    expect(jsonInputProblem({ a: '\0' }, 'body', { checkStrings: false })).toBeUndefined();
  });

  it('bounds depth for values parsed elsewhere', () => {
    expect(nestsWithin(nested(3), 3)).toBe(true);
    expect(nestsWithin(nested(4), 3)).toBe(false);
  });
});
