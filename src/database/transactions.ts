import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

/** A Prisma client bound to one open transaction: what repositories write through. */
export type Tx = Prisma.TransactionClient;

/**
 * Opens database transactions for services, which hold no Prisma client of their own: a
 * change and its audit event are written through the same `Tx`, so both commit or neither.
 */
@Injectable()
export class Transactions {
  constructor(private readonly prisma: PrismaService) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }
}
