import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { EngineConfig } from '../config/engine-config';
import { PrismaClient } from '../generated/prisma/client';
import { DirectSql } from './direct-sql';

/**
 * The Prisma client on the `pg` driver adapter (no native query engine), pooled per config. `direct` runs
 * raw statements on the same pool without the client (direct-sql.ts); `prepared` runs them as prepared
 * statements (DATABASE_PREPARED_STATEMENTS), for those whose plan does not depend on their values (DirectSql).
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  readonly direct: DirectSql;
  readonly prepared: DirectSql;
  private readonly pool: Pool;

  constructor(config: EngineConfig) {
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      connectionTimeoutMillis: 5_000,
    });
    // An idle connection the server closed is dropped from the pool and replaced by the next query; without a
    // listener its 'error' event would end the process.
    pool.on('error', (error) => new Logger('CreativeEngineDatabase').warn(`Idle connection lost: ${error.message}`));
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
    this.direct = new DirectSql(pool);
    this.prepared = new DirectSql(pool, { prepare: config.databasePreparedStatements });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  /** The last shutdown phase: queue consumers drain and HTTP requests finish (earlier phases) while the pool is still open. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Disconnects the client and closes the pool it shares with `direct`: a script's way out. */
  async close(): Promise<void> {
    await this.$disconnect();
    await this.pool.end();
  }
}
