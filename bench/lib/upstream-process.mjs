// A fast fake Cohere v2 upstream for benchmarks: node bench/lib/upstream-process.mjs
// Prints "listening <port>". POST /__faults {"rate":0.05} makes that share of calls fail:
// half answer 503, half answer after 250 ms. Scores come from document length.
import { createServer } from 'node:http';

let faultRate = 0;
let calls = 0;

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (req.url === '/__faults') {
      faultRate = body.rate ?? 0;
      res.writeHead(204).end();
      return;
    }
    calls++;
    const answer = () => {
      const documents = body.documents ?? [];
      const results = documents.map((text, index) => ({ index, relevance_score: (text.length % 997) / 997 }));
      results.sort((a, b) => b.relevance_score - a.relevance_score);
      const payload = JSON.stringify({ id: 'bench', results: results.slice(0, body.top_n ?? results.length), meta: { billed_units: { search_units: 1 } } });
      res.writeHead(200, { 'content-type': 'application/json' }).end(payload);
    };
    if (faultRate > 0 && Math.random() < faultRate) {
      if (Math.random() < 0.5) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"overloaded"}');
      } else {
        setTimeout(answer, 250);
      }
      return;
    }
    answer();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => {
  console.error(`upstream served ${calls} calls`);
  process.exit(0);
});
