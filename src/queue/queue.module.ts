import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { EngineConfig } from '../config/engine-config';
import { JobQueue } from './job-queue';
import {
  ENGINE_BULL_CONFIG_KEY,
  IMAGE_GENERATION_QUEUE,
  imageQueueSettings,
  redisReconnectDelayMs,
} from './queue.constants';

/** The engine's Bull queue, on the engine's own named Bull config so a host app's Bull setup is untouched. */
@Module({
  imports: [
    BullModule.registerQueueAsync({
      name: IMAGE_GENERATION_QUEUE,
      configKey: ENGINE_BULL_CONFIG_KEY,
      inject: [EngineConfig],
      // Connection and prefix come from the engine's shared Bull config (CreativeEngineModule).
      useFactory: (config: EngineConfig) => ({
        settings: imageQueueSettings(config),
        redis: { retryStrategy: redisReconnectDelayMs },
      }),
    }),
  ],
  providers: [JobQueue],
  exports: [BullModule, JobQueue],
})
export class QueueModule {}
