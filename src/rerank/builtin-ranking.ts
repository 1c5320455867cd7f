import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { AppConfig } from '../config/app-config.js';
import { BuiltinRankers } from '../providers/builtin/builtin-rankers.js';
import { relativeToBest } from '../providers/builtin/lexical-ranker.js';
import type { BatchOutcome, BuiltinTarget, RankedDocument } from './rerank-types.js';

/** The one LEXICAL model, and what an alias's last resort ranks with. */
const BM25 = 'bm25';

/**
 * Execution's adapter onto the built-in rankers: a built-in reranker's call, and an alias's
 * lexical last resort, run on their worker threads (never on the event loop), queued fairly
 * by caller (the tenant whose calls they are), within the call's deadline and cancelled when
 * its client goes away.
 */
@Injectable()
export class BuiltinRanking {
  constructor(
    private readonly rankers: BuiltinRankers,
    private readonly config: AppConfig,
  ) {}

  /** A built-in reranker's scores for these rendered documents; usage books the tokenizer's tokens (LOCAL). */
  async rank(caller: Principal, target: BuiltinTarget, query: string, texts: readonly string[], signal?: AbortSignal): Promise<BatchOutcome> {
    const ranked = await this.rankers.rank({
      ownerId: caller.userId,
      kind: target.providerType,
      model: target.model,
      ...(target.lexical ? { lexical: target.lexical } : {}),
      query,
      documents: texts,
      maxDocumentsPerBatch: target.batchSize,
      maxTokensPerRequest: target.maxTokensPerRequest,
      deadline: Date.now() + target.timeoutMs,
      signal,
    });
    return {
      scores: ranked.scores.map((score, index) => ({ index, score })),
      ...(target.providerType === 'LOCAL' ? { usage: { total_tokens: ranked.tokens } } : {}),
      requests: ranked.batches,
      sent: [texts],
    };
  }

  /**
   * BM25 with Okapi's defaults when every target of an alias failed, scored relative to the
   * best match (1); bounded by LEXICAL_MAX_WORK and the default upstream deadline.
   */
  async lastResort(caller: Principal, query: string, texts: readonly string[], signal?: AbortSignal): Promise<RankedDocument[]> {
    const ranked = await this.rankers.rank({
      ownerId: caller.userId,
      kind: 'LEXICAL',
      model: BM25,
      query,
      documents: texts,
      deadline: Date.now() + this.config.upstream.defaultTimeoutMs,
      signal,
    });
    return relativeToBest(ranked.scores).map((score, index) => ({ index, score }));
  }
}
