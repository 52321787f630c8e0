import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Queue } from 'bull';
import { ServiceUnavailableError } from '../common/errors';
import { PrismaService } from '../prisma/prisma.service';
import { IMAGE_GENERATION_QUEUE } from '../queue/queue.constants';
import { withTimeout } from '../queue/with-timeout';

const CHECK_TIMEOUT_MS = 1_500;

type DependencyState = 'up' | 'down';

export class HealthChecksDto {
  @ApiProperty({ enum: ['up', 'down'] })
  database: DependencyState;

  @ApiProperty({ enum: ['up', 'down'] })
  redis: DependencyState;
}

export class HealthResponseDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ type: HealthChecksDto })
  checks: HealthChecksDto;
}

@Injectable()
export class HealthService {
  constructor(
    private readonly prisma: PrismaService,
    @InjectQueue(IMAGE_GENERATION_QUEUE) private readonly queue: Queue,
  ) {}

  async check(): Promise<HealthResponseDto> {
    const [database, redis] = await Promise.all([
      this.probe('database', () => this.prisma.direct.query`SELECT 1`),
      this.probe('redis', () => this.queue.client.ping()),
    ]);
    const checks = { database, redis };
    const down = Object.entries(checks)
      .filter(([, state]) => state === 'down')
      .map(([name]) => name);
    if (down.length > 0) {
      throw new ServiceUnavailableError(
        `Unhealthy: ${down.join(' and ')} ${down.length === 1 ? 'is' : 'are'} down`,
        down.map((name) => ({ field: name, problems: [`${name} is down`] })),
      );
    }
    return { status: 'ok', checks };
  }

  private async probe(name: string, check: () => Promise<unknown>): Promise<DependencyState> {
    try {
      await withTimeout(check(), CHECK_TIMEOUT_MS, `${name} health check`);
      return 'up';
    } catch {
      return 'down';
    }
  }
}
