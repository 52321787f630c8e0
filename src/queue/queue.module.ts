import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { EngineConfig } from '../config/engine-config';
import { JobQueue } from './job-queue';
import {
  ENGINE_BULL_CONFIG_KEY,
  IMAGE_GENERATION_QUEUE,
  queueSettings,
  redisReconnectDelayMs,
  WEBHOOK_DELIVERY_QUEUE,
} from './queue.constants';

/**
 * The engine's Bull queues (generation jobs, webhook deliveries), on the engine's own named Bull config so
 * a host app's Bull setup is untouched.
 */
@Module({
  imports: [IMAGE_GENERATION_QUEUE, WEBHOOK_DELIVERY_QUEUE].map((name) =>
    BullModule.registerQueueAsync({
      name,
      configKey: ENGINE_BULL_CONFIG_KEY,
      inject: [EngineConfig],
      // Connection and prefix come from the engine's shared Bull config (CreativeEngineModule).
      useFactory: (config: EngineConfig) => ({
        settings: queueSettings(config),
        redis: { retryStrategy: redisReconnectDelayMs },
      }),
    }),
  ),
  providers: [JobQueue],
  exports: [BullModule, JobQueue],
})
export class QueueModule {}
