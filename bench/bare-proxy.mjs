// The reference: the least a Node rerank proxy must do. node:http + one undici pool:
// parse the caller's JSON, translate to Cohere v2, one upstream call, map back (sorted).
//   UPSTREAM=http://127.0.0.1:PORT node bench/bare-proxy.mjs   -> prints "listening <port>"
import { createServer } from 'node:http';
import { Pool } from 'undici';

const pool = new Pool(process.env.UPSTREAM, { connections: 64, keepAliveTimeout: 30_000 });

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const upstream = await pool.request({
        method: 'POST',
        path: '/v2/rerank',
        headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
        body: JSON.stringify({ model: 'bench', query: input.query, documents: input.documents, top_n: input.topN }),
      });
      const answer = await upstream.body.json();
      const results = answer.results
        .map((r) => ({ index: r.index, relevanceScore: r.relevance_score }))
        .sort((a, b) => b.relevanceScore - a.relevanceScore);
      res.writeHead(upstream.statusCode, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
    } catch (error) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(error) }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => pool.close().then(() => process.exit(0))));
