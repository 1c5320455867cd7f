import { PrismaClient } from '../generated/prisma/client.js';
import type { DatabaseEngine } from './database-engine.js';

/** The process's one PrismaClient, on whichever engine the config selected. */
export class PrismaService extends PrismaClient {
  constructor(engine: DatabaseEngine) {
    super({ adapter: engine.prismaAdapter });
  }
}
