import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ENGINE_BULL_CONFIG_KEY, IMAGE_GENERATION_QUEUE } from './queue.constants';

/** The engine's Bull queues, on the engine's own named Bull config so a host app's Bull setup is untouched. */
@Module({
  imports: [BullModule.registerQueue({ name: IMAGE_GENERATION_QUEUE, configKey: ENGINE_BULL_CONFIG_KEY })],
  exports: [BullModule],
})
export class QueueModule {}
