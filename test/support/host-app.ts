import { Body, Controller, Get, Injectable, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import type { Request } from 'express';
import { CurrentUser } from '../../src/auth/current-user.decorator';
import type { AuthUser } from '../../src/auth/current-user.decorator';
import { CreativeController } from '../../src/http/creative-controller.decorator';
// Imported as a host app would, from the package's public entry point.
import { CREATIVE_EVENTS, CreativeEngineModule, loadConfig } from '../../src';
import type { AssetCreatedEvent, AssetDeletedEvent, JobCompletedEvent } from '../../src';
import { PrismaService } from '../../src/prisma/prisma.service';
import { testEnvironment } from './test-env';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';

/**
 * A host application as a team would write it: its own config module and routes, the engine imported
 * through forRootAsync with the host's own user resolver, and no global pipes, guards or filters.
 */
export const HOST_SETTINGS = Symbol('HOST_SETTINGS');

@Injectable()
class HostSettings {
  readonly userHeader = 'x-host-user';
}

@Module({ providers: [{ provide: HOST_SETTINGS, useClass: HostSettings }], exports: [HOST_SETTINGS] })
class HostConfigModule {}

class ProbeBodyDto {
  @IsString()
  @Length(1, 10)
  name: string;

  @IsInt()
  @Min(1)
  @Max(5)
  count: number;
}

/** Engine-style routes that exercise the engine's pipe, filter and Prisma error mapping from inside a host. */
@CreativeController('probe')
class ProbeController {
  constructor(private readonly prisma: PrismaService) {}

  @Post('__probe/echo')
  echo(@Body() body: ProbeBodyDto, @CurrentUser() user: AuthUser) {
    return { ...body, userId: user.id };
  }

  @Get('__probe/boom')
  boom(): never {
    throw new Error('database password is hunter2');
  }

  @Get('__probe/missing/:id')
  async missing(@Param('id') id: string) {
    return this.prisma.generationJob.update({ where: { id }, data: { progress: 1 } });
  }

  @Get('__probe/db-dropped')
  async databaseDropped() {
    // The connection is terminated under the query, as a database restart or failover would.
    return this.prisma.$transaction((tx) => tx.$queryRaw`SELECT pg_terminate_backend(pg_backend_pid())`);
  }

  @Post('__probe/duplicate')
  async duplicate(@CurrentUser() user: AuthUser) {
    const job = { userId: user.id, type: 'image_generation' as const, prompt: 'p', idempotencyKey: 'same-key' };
    await this.prisma.generationJob.create({ data: job });
    return this.prisma.generationJob.create({ data: job });
  }
}

/** A host route: the engine's strict validation must not reach it. */
@Controller('host')
class HostController {
  @Post('echo')
  echo(@Body() body: unknown) {
    return { received: body };
  }
}

/** A host module listening to the engine's events, as the README shows. */
@Injectable()
export class HostEventLog {
  readonly jobsCompleted: JobCompletedEvent[] = [];
  readonly assetsCreated: AssetCreatedEvent[] = [];
  readonly assetsDeleted: AssetDeletedEvent[] = [];

  @OnEvent(CREATIVE_EVENTS.jobCompleted)
  onJobCompleted(event: JobCompletedEvent): void {
    this.jobsCompleted.push(event);
  }

  @OnEvent(CREATIVE_EVENTS.assetCreated)
  onAssetCreated(event: AssetCreatedEvent): void {
    this.assetsCreated.push(event);
  }

  @OnEvent(CREATIVE_EVENTS.assetDeleted)
  onAssetDeleted(event: AssetDeletedEvent): void {
    this.assetsDeleted.push(event);
  }
}

@Module({
  imports: [
    EventEmitterModule.forRoot(),
    CreativeEngineModule.forRootAsync({
      imports: [HostConfigModule],
      inject: [HOST_SETTINGS],
      useFactory: (settings: HostSettings) => ({
        config: loadConfig(testEnvironment({ AUTH_MODE: 'header' })),
        resolveUser: (request: Request) => request.header(settings.userHeader) ?? null,
      }),
    }),
  ],
  controllers: [HostController, ProbeController],
  providers: [HostEventLog],
})
export class HostAppModule {}

export async function createHostApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(HostAppModule, { logger: ['error'] });
  await app.init();
  return app;
}
