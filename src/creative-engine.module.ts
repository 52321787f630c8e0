import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AssetsModule } from './assets/assets.module';
import { AudioGenerationModule } from './audio-generation/audio-generation.module';
import { GENERATION_JOB_LOOKUP } from './assets/generation-job-lookup';
import { AuthModule } from './auth/auth.module';
import { installMethodNotAllowed } from './common/method-not-allowed';
import { ContentCreationModule } from './content-creation/content-creation.module';
import { EngineConfig } from './config/engine-config';
import {
  CREATIVE_ENGINE_ASYNC_OPTIONS_TYPE,
  CREATIVE_ENGINE_OPTIONS,
  CREATIVE_ENGINE_OPTIONS_TYPE,
  CreativeEngineModuleBase,
  CreativeEngineModuleOptions,
} from './creative-engine.module-definition';
import { CreativeEvents } from './events/creative-events';
import { HealthModule } from './health/health.module';
import { GenerationJobsRepository } from './jobs/generation-jobs.repository';
import { JobsModule } from './jobs/jobs.module';
import { GenerationJobsModule } from './generation-jobs/generation-jobs.module';
import { ImageGenerationModule } from './image-generation/image-generation.module';
import { ImageStudioModule } from './image-studio/image-studio.module';
import { JobWorkerModule } from './job-worker/job-worker.module';
import { LimitsModule } from './limits/limits.module';
import { EngineMetrics } from './metrics/engine-metrics';
import { MetricsModule } from './metrics/metrics.module';
import { ModelsModule } from './models/models.module';
import { RateLimitStore } from './limits/rate-limit.store';
import { PrismaModule } from './prisma/prisma.module';
import { ENGINE_BULL_CONFIG_KEY } from './queue/queue.constants';
import { StorageModule } from './storage/storage.module';
import { TemplatesModule } from './templates/templates.module';
import { VideoGenerationModule } from './video-generation/video-generation.module';
import { QueueDashboardModule } from './queue-dashboard/queue-dashboard.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WebAppModule } from './web-app/web-app.module';

/** Holds the resolved options; global so every engine module can inject EngineConfig without re-importing. */
@Module({})
class CreativeEngineCoreModule {}

/** The feature modules whose services a host app may inject. */
const EXPORTED_MODULES = [
  PrismaModule,
  StorageModule,
  AssetsModule,
  TemplatesModule,
  GenerationJobsModule,
  ImageGenerationModule,
  ImageStudioModule,
  ContentCreationModule,
  LimitsModule,
  ModelsModule,
  VideoGenerationModule,
  AudioGenerationModule,
  WebhooksModule,
];
const FEATURE_MODULES = [...EXPORTED_MODULES, JobWorkerModule, AuthModule, HealthModule, MetricsModule];

/**
 * The Creative Engine as a Nest module. Standalone: `AppModule`. Host apps:
 * `CreativeEngineModule.forRootAsync({ useFactory: () => ({ config: loadConfig(process.env) }) })`.
 */
@Module({})
export class CreativeEngineModule extends CreativeEngineModuleBase implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {
    super();
  }

  /**
   * Runs after every route is registered and before Nest's not-found handler, so the engine's paths
   * answer 405 + Allow for a method they do not serve (in host apps too); without HTTP (the worker) nothing.
   */
  onModuleInit(): void {
    installMethodNotAllowed(this.adapterHost.httpAdapter?.getInstance());
  }

  static forRoot(options: typeof CREATIVE_ENGINE_OPTIONS_TYPE): DynamicModule {
    return CreativeEngineModule.assemble(super.forRoot(options), options);
  }

  static forRootAsync(options: typeof CREATIVE_ENGINE_ASYNC_OPTIONS_TYPE): DynamicModule {
    return CreativeEngineModule.assemble(super.forRootAsync(options), options);
  }

  private static assemble(
    definition: DynamicModule,
    { queueDashboard = false, webApp = false }: { queueDashboard?: boolean; webApp?: boolean },
  ): DynamicModule {
    const core: DynamicModule = {
      module: CreativeEngineCoreModule,
      global: true,
      imports: [...(definition.imports ?? []), PrismaModule, JobsModule],
      providers: [
        ...(definition.providers ?? []),
        {
          provide: EngineConfig,
          inject: [CREATIVE_ENGINE_OPTIONS],
          useFactory: (options: CreativeEngineModuleOptions) => options.config,
        },
        // Used by the rate-limit guard that @CreativeController puts on every engine controller, in every module.
        RateLimitStore,
        // Lets AssetsService check a job's owner without importing the generator that owns the jobs.
        { provide: GENERATION_JOB_LOOKUP, useExisting: GenerationJobsRepository },
        // Counted and announced by services of every module (docs/ARCHITECTURE.md §9).
        EngineMetrics,
        CreativeEvents,
      ],
      exports: [
        CREATIVE_ENGINE_OPTIONS,
        EngineConfig,
        RateLimitStore,
        GENERATION_JOB_LOOKUP,
        EngineMetrics,
        CreativeEvents,
      ],
    };
    const bull = BullModule.forRootAsync(ENGINE_BULL_CONFIG_KEY, {
      inject: [EngineConfig],
      useFactory: (config: EngineConfig) => ({ url: config.redisUrl, prefix: config.queuePrefix }),
    });
    return {
      ...definition,
      providers: [],
      imports: [
        core,
        bull,
        ...FEATURE_MODULES,
        ...(queueDashboard ? [QueueDashboardModule] : []),
        ...(webApp ? [WebAppModule] : []),
      ],
      exports: EXPORTED_MODULES,
    };
  }
}
