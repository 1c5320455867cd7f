// What validating a rerank body costs, by method, for 20 and 1,000 documents.
//   npm run build && node bench/validation.mjs
// class-validator: the global ValidationPipe (transform + validate) on a DTO class with the
//   same rules as the route's schema, as the route had before it moved to the schema.
// compiled schema: the route's JSON schema compiled by Ajv (what the route uses).
import { performance } from 'node:perf_hooks';
import { ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Length, Min, ValidateBy } from 'class-validator';
import { createValidationPipe } from '../dist/common/validation/validation.pipe.js';
import { validateRerankBody } from '../dist/rerank/dto/rerank-body.schema.js';

/** RerankBody as a class-validator DTO (decorators applied by hand: plain JS has no syntax for them). */
class RerankRequestDto {}
const decorate = (property, ...decorators) => decorators.forEach((decorator) => decorator(RerankRequestDto.prototype, property));
const isDocuments = ValidateBy({
  name: 'isDocuments',
  validator: {
    validate: (value) => Array.isArray(value) && value.length > 0 && value.every((d) => typeof d === 'string' || (typeof d === 'object' && d !== null && !Array.isArray(d))),
  },
});
decorate('query', IsString(), Length(1, 100_000));
decorate('documents', isDocuments);
decorate('topN', IsOptional(), IsInt(), Min(1));
decorate('returnDocuments', IsOptional(), IsBoolean());
decorate('rankFields', IsOptional(), IsArray(), ArrayMinSize(1), IsString({ each: true }));
decorate('maxTokensPerDoc', IsOptional(), IsInt(), Min(1));
import { report, round } from './lib/report.mjs';

const pipe = createValidationPipe();
const compiled = validateRerankBody;
const rows = [];

for (const count of [20, 1000]) {
  const body = {
    query: 'what does the document say about tempor',
    documents: Array.from({ length: count }, (_, i) => `${i} ${'lorem ipsum dolor sit amet '.repeat(19)}`.slice(0, 500)),
    topN: 10,
    returnDocuments: false,
  };
  const raw = JSON.stringify(body);
  const viaPipe = async () => pipe.transform(JSON.parse(raw), { type: 'body', metatype: RerankRequestDto });
  const viaSchema = async () => {
    const value = JSON.parse(raw);
    if (!compiled(value)) throw new Error('invalid');
    return value;
  };
  const parseOnly = async () => JSON.parse(raw);
  const time = async (fn) => {
    for (let i = 0; i < 200; i++) await fn();
    const runs = count > 100 ? 2000 : 20000;
    const started = performance.now();
    for (let i = 0; i < runs; i++) await fn();
    return ((performance.now() - started) * 1000) / runs;
  };
  const parse = await time(parseOnly);
  rows.push({ documents: count, method: 'JSON.parse only (µs)', value: round(parse, 1) });
  rows.push({ documents: count, method: 'class-validator pipe, beyond parse (µs)', value: round((await time(viaPipe)) - parse, 1) });
  rows.push({ documents: count, method: 'compiled schema, beyond parse (µs)', value: round((await time(viaSchema)) - parse, 1) });
}
report('validation', rows);
