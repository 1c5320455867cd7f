// Registry throughput and list latency as the table grows.
//   npm run build && node bench/registry.mjs          (DATABASE_URL=... for PostgreSQL)
// 1. POST /v1/rerankers (unique bodies) and GET /v1/rerankers/:id: requests/s at 8 connections.
// 2. GET /v1/rerankers?pageSize=50: first page and a page deep in the table, at 1k, 10k
//    and 100k rerankers (seeded in bulk), all-owners (admin) and one owner's view.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { PrismaService } from '../dist/database/prisma.service.js';
import { encodePageToken } from '../dist/common/pagination/page-token.js';
import { sequential } from './lib/load.mjs';
import { report, round } from './lib/report.mjs';
import { initRoot, startService } from './lib/in-process-service.mjs';

const SIZES = (process.env.BENCH_REGISTRY_SIZES ?? '1000,10000,100000').split(',').map(Number);
const service = await startService();
try {
  const key = await initRoot(service.url);
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const prisma = service.app.get(PrismaService);
  const rootId = (await (await fetch(`${service.url}/v1/users/me`, { headers })).json()).userId;

  let counter = 0;
  const createRun = await autocannon({
    url: service.url,
    connections: 8,
    duration: 5,
    requests: [
      {
        method: 'POST',
        path: '/v1/rerankers',
        headers,
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            displayName: 'bench',
            providerType: 'TEI',
            endpointUrl: 'https://tei.example.com',
            modelIdentifier: `model-${counter++}`,
            credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { inlineSecret: 'bench-secret-0123456789' } },
          }),
        }),
      },
    ],
  });
  const one = await prisma.reranker.findFirstOrThrow();
  const getRun = await autocannon({ url: `${service.url}/v1/rerankers/${one.id}`, headers, connections: 8, duration: 5 });
  const getSeq = await sequential({ url: service.url, path: `/v1/rerankers/${one.id}`, headers, count: 2000 });

  const rows = [
    { measure: 'POST /v1/rerankers req/s (8 conns)', value: round(createRun.requests.average, 0), errors: createRun.non2xx + createRun.errors },
    { measure: 'GET /v1/rerankers/:id req/s (8 conns)', value: round(getRun.requests.average, 0), errors: getRun.non2xx + getRun.errors },
    { measure: 'GET /v1/rerankers/:id p50 ms (sequential)', value: round(getSeq.p50), errors: getSeq.errors },
  ];

  const owner = await prisma.user.create({ data: { id: randomUUID(), email: `bench-${randomUUID()}@example.com`, displayName: 'bench' } });
  for (const size of SIZES) {
    await seedTo(prisma, owner.id, rootId, size);
    const total = await prisma.reranker.count();
    const middle = await prisma.reranker.findFirstOrThrow({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: Math.floor(total / 2) });
    const deepToken = encodePageToken({ createdAt: middle.createdAt, id: middle.id });
    const measure = async (label, path) => {
      const result = await sequential({ url: service.url, path, headers, count: 300 });
      rows.push({ measure: `${label} @ ${size} rerankers, p50 / p99 ms`, value: `${round(result.p50)} / ${round(result.p99)}`, errors: result.errors });
    };
    await measure('list first page (all owners)', '/v1/rerankers?pageSize=50');
    await measure('list deep page (all owners)', `/v1/rerankers?pageSize=50&nextToken=${deepToken}`);
    await measure('list first page (one owner)', `/v1/rerankers?pageSize=50&ownerId=${owner.id}`);
    await measure('list deep page (one owner)', `/v1/rerankers?pageSize=50&ownerId=${owner.id}&nextToken=${deepToken}`);
  }
  report('registry', rows);
} finally {
  await service.close();
}

/** Bulk-inserts rows owned by `ownerId` until the table holds `size`. */
async function seedTo(prisma, ownerId, createdById, size) {
  const start = Date.now() - 10_000_000;
  for (let have = await prisma.reranker.count(); have < size; ) {
    const batch = Math.min(5_000, size - have);
    await prisma.reranker.createMany({
      data: Array.from({ length: batch }, (_, i) => ({
        id: randomUUID(),
        ownerId,
        displayName: `seed ${have + i}`,
        providerType: 'TEI',
        endpointUrl: 'https://seed.example.com',
        apiPath: '/rerank',
        modelIdentifier: `seed-${have + i}`,
        labels: { env: (have + i) % 2 ? 'prod' : 'dev' },
        createdAt: new Date(start + have + i),
        createdById,
        updatedById: createdById,
      })),
    });
    have += batch;
  }
  // What autovacuum does after a bulk load; without it the planner works from the
  // statistics of a near-empty table.
  await prisma.$executeRawUnsafe('ANALYZE rerankers');
}
