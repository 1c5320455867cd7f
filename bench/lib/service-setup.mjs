// What the hot-path benchmarks share: a root key and one COHERE reranker on the fake upstream,
// and the documents they send.

/** Initializes the service (with its init token) and registers one reranker; returns the root key and its id. */
export async function registerBenchReranker({ url: baseUrl, initToken }, upstreamUrl) {
  const json = { 'content-type': 'application/json' };
  const init = await (await fetch(`${baseUrl}/v1/system/init`, { method: 'POST', headers: { ...json, 'x-init-token': initToken }, body: '{}' })).json();
  const headers = { ...json, 'x-api-key': init.rootApiKey };
  const created = await (
    await fetch(`${baseUrl}/v1/rerankers`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        displayName: 'bench',
        providerType: 'COHERE',
        endpointUrl: upstreamUrl,
        modelIdentifier: 'bench',
        credentials: { kind: 'CREDENTIAL_KIND_API_KEY', apiKey: { inlineSecret: 'bench-upstream-key' } },
      }),
    })
  ).json();
  if (!created.rerankerId) throw new Error(`could not register: ${JSON.stringify(created)}`);
  return { apiKey: init.rootApiKey, rerankerId: created.rerankerId };
}

/** `count` documents of about `length` characters, and a query that matches some words. */
export function workload(count, length) {
  const filler = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ';
  const documents = Array.from({ length: count }, (_, i) => `${i} ${filler.repeat(Math.ceil(length / filler.length))}`.slice(0, length - (i % 7)));
  return { query: 'what does the document say about tempor', documents };
}

/**
 * One rerank of `topN` over `call.documents` as each benchmarked endpoint takes it: the
 * upstream itself (Cohere v2), the bare proxy, the service's native and drop-in routes.
 */
export function rerankCalls({ apiKey, rerankerId }, { query, documents }, topN) {
  return {
    direct: { path: '/v2/rerank', headers: {}, body: JSON.stringify({ model: 'bench', query, documents, top_n: topN }) },
    bare: { path: '/rerank', headers: {}, body: JSON.stringify({ query, documents, topN }) },
    native: { path: `/v1/rerankers/${rerankerId}/rerank`, headers: { 'x-api-key': apiKey }, body: JSON.stringify({ query, documents, topN, returnDocuments: false }) },
    compat: {
      path: '/v1/rerank',
      headers: { authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model: rerankerId, query, documents, top_n: topN, return_documents: false }),
    },
  };
}
