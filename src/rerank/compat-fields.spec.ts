import type { Logger } from 'pino';
import { MetricsService } from '../metrics/metrics.service.js';
import { CompatFieldAudit, dialectFields } from './compat-fields.js';

describe('compat fields', () => {
  const body = { model: 'id', query: 'q', documents: ['a'] };
  const schema = { properties: { model: {}, query: {}, documents: {}, top_n: {}, truncation: {} } };

  it('reads the schema fields, less those the dialect declares ignored', () => {
    const fields = dialectFields(schema, ['max_chunks_per_doc', 'truncation']);
    expect([...fields.read].sort()).toEqual(['documents', 'model', 'query', 'top_n']);
    expect([...fields.known].sort()).toEqual(['max_chunks_per_doc', 'truncation']);
  });

  it('counts ignored fields with a bounded label set and logs their names at debug', async () => {
    const metrics = new MetricsService();
    const logged: unknown[] = [];
    const audit = new CompatFieldAudit(metrics, { debug: (entry: unknown) => logged.push(entry) } as unknown as Logger);
    const fields = dialectFields(schema, ['max_chunks_per_doc', 'truncation']);
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i]));
    const sent = { ...body, max_chunks_per_doc: null, top_n: null, truncation: true, ...many };
    audit.recordIgnored('/v1/rerank', sent, fields);
    audit.recordIgnored('/v1/rerank', body, fields);
    const text = (await metrics.render()).body;
    expect(text).toContain('compat_ignored_fields_total{route="/v1/rerank",field="max_chunks_per_doc"} 1');
    expect(text).toContain('compat_ignored_fields_total{route="/v1/rerank",field="truncation"} 1');
    expect(text).toContain('compat_ignored_fields_total{route="/v1/rerank",field="other"} 30');
    expect(text).not.toContain('field="f1"');
    expect(logged).toHaveLength(1);
    expect((logged[0] as { fields: string[] }).fields).toHaveLength(20);
  });
});
