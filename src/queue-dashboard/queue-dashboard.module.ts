import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { AdminAccess } from '../auth/admin-access';
import { AuthModule } from '../auth/auth.module';
import { IMAGE_GENERATION_QUEUE, WEBHOOK_DELIVERY_QUEUE } from '../queue/queue.constants';
import { QueueModule } from '../queue/queue.module';
import { adminGate, QUEUE_DASHBOARD_PATH } from './admin-gate';

/**
 * Bull Board at /queues for administrators (docs/ARCHITECTURE.md §9): the jobs of every state, retry,
 * promote, clean. Only where asked for: the standalone app (AppModule), or a host passing
 * `queueDashboard: true` to CreativeEngineModule.forRoot/forRootAsync.
 */
@Module({
  imports: [
    QueueModule,
    BullBoardModule.forRootAsync({
      imports: [AuthModule],
      inject: [AdminAccess],
      useFactory: (access: AdminAccess) => ({
        route: QUEUE_DASHBOARD_PATH,
        adapter: ExpressAdapter,
        middleware: adminGate(access),
        boardOptions: { uiConfig: { boardTitle: 'Creative Engine' } },
      }),
    }),
    BullBoardModule.forFeature(
      { name: IMAGE_GENERATION_QUEUE, adapter: BullAdapter },
      { name: WEBHOOK_DELIVERY_QUEUE, adapter: BullAdapter },
    ),
  ],
})
export class QueueDashboardModule {}
