import type { Logger } from 'pino';
import { MetricsService } from '../metrics/metrics.service.js';
import { CompatFieldAudit, compatRerankInput } from './compat-fields.js';

describe('compat fields', () => {
  const body = { model: 'id', query: 'q', documents: ['a'] };

  it('reads null as unset and top_n <= 0 as all documents', () => {
    expect(compatRerankInput({ ...body, top_n: null, rank_fields: null, max_tokens_per_doc: null })).toEqual({
      query: 'q',
      documents: ['a'],
      topN: undefined,
      rankFields: undefined,
      maxTokensPerDoc: undefined,
    });
    expect(compatRerankInput({ ...body, top_n: 0 }).topN).toBeUndefined();
    expect(compatRerankInput({ ...body, top_n: -3 }).topN).toBeUndefined();
    expect(compatRerankInput({ ...body, top_n: 2, rank_fields: ['title'], max_tokens_per_doc: 9 })).toMatchObject({
      topN: 2,
      rankFields: ['title'],
      maxTokensPerDoc: 9,
    });
  });

  it('counts ignored fields with a bounded label set and logs their names at debug', async () => {
    const metrics = new MetricsService();
    const logged: unknown[] = [];
    const audit = new CompatFieldAudit(metrics, { debug: (entry: unknown) => logged.push(entry) } as unknown as Logger);
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i]));
    const sent = { ...body, max_chunks_per_doc: null, top_n: null, ...many };
    audit.recordIgnored('/v1/rerank', sent);
    audit.recordIgnored('/v1/rerank', body);
    const text = (await metrics.render()).body;
    expect(text).toContain('compat_ignored_fields_total{route="/v1/rerank",field="max_chunks_per_doc"} 1');
    expect(text).toContain('compat_ignored_fields_total{route="/v1/rerank",field="other"} 30');
    expect(text).not.toContain('field="f1"');
    expect(logged).toHaveLength(1);
    expect((logged[0] as { fields: string[] }).fields).toHaveLength(20);
  });
});
