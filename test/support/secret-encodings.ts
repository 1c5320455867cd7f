/**
 * Every way issue 19 (item 13) found an upstream could hand a secret back: each encodes a
 * secret inside some upstream text. At least 16 characters of a secret are assumed (the
 * halves test needs two runs of 8).
 */
export const SECRET_ENCODINGS: ReadonlyArray<readonly [string, (secret: string) => string]> = [
  ['JSON \\/ escaping in a text body', (secret) => `invalid key ${JSON.stringify(`${secret.slice(0, 8)}/${secret.slice(8)}`).replaceAll('/', '\\/')}`],
  ['\\uXXXX escapes', (secret) => `invalid key ${everyByte(secret, (byte) => `\\u${byte.toString(16).padStart(4, '0')}`)}`],
  ['hex, lower case', (secret) => `invalid key 0x${Buffer.from(secret).toString('hex')}`],
  ['hex, upper case', (secret) => `invalid key ${Buffer.from(secret).toString('hex').toUpperCase()}`],
  ['percent-encoding of every byte, upper case', (secret) => `key=${everyByte(secret, (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)}`],
  ['percent-encoding of every byte, lower case', (secret) => `key=${everyByte(secret, (byte) => `%${byte.toString(16).padStart(2, '0')}`)}`],
  ['base64 wrapped at 76 characters', (secret) => `-----BEGIN KEY-----\n${wrap(Buffer.from(`${secret}${secret}${secret}`).toString('base64'), 76)}`],
  ['base64 wrapped at 10 characters', (secret) => wrap(Buffer.from(secret).toString('base64'), 10)],
  ['HTML entities, decimal', (secret) => everyByte(secret, (byte) => `&#${byte};`)],
  ['HTML entities, hex and named', (secret) => [...secret].map((c, i) => (i % 3 === 0 ? `&#x${c.charCodeAt(0).toString(16)};` : c === '_' ? '&lowbar;' : c)).join('')],
  ['upper-cased', (secret) => `unknown key ${secret.toUpperCase()}`],
  ['lower-cased', (secret) => `unknown key ${secret.toLowerCase()}`],
  ['split in two halves', (secret) => `first ${secret.slice(0, secret.length >> 1)} then, later, ${secret.slice(secret.length >> 1)}`],
  ['its first 20 characters', (secret) => `key starting ${secret.slice(0, 20)}... is revoked`],
  ['reversed', (secret) => `yek ${[...secret].reverse().join('')}`],
  ['space-separated', (secret) => `k e y : ${[...secret].join(' ')}`],
  ['an escape of an escape', (secret) => everyByte(secret, (byte) => `%5Cu00${byte.toString(16).padStart(2, '0')}`)],
];

function everyByte(text: string, format: (byte: number) => string): string {
  return [...Buffer.from(text)].map(format).join('');
}

function wrap(text: string, width: number): string {
  return text.match(new RegExp(`.{1,${width}}`, 'g'))!.join('\r\n');
}
