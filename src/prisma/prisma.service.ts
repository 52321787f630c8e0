import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { EngineConfig } from '../config/engine-config';
import { PrismaClient } from '../generated/prisma/client';

/** The Prisma client on the `pg` driver adapter (no native query engine), pooled per config. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(config: EngineConfig) {
    super({
      adapter: new PrismaPg({
        connectionString: config.databaseUrl,
        max: config.databasePoolSize,
        connectionTimeoutMillis: 5_000,
      }),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  /** The last shutdown phase: queue consumers drain and HTTP requests finish (earlier phases) while the pool is still open. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
