import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { EngineConfig } from './config/engine-config';
import { CreativeEngineModule } from './creative-engine.module';
import { engineLoggerModule } from './logging/engine-logger';

export interface AppModuleOptions {
  /**
   * Where the JSON log lines go instead of stdout (tests). nestjs-pino keeps one request logger per process,
   * made by the first app that logs: a later app in the same process writes where that one does.
   */
  logDestination?: DestinationStream;
}

/**
 * The standalone service: the engine with configuration validated from the environment by main.ts, its
 * structured logs, the queue dashboard and the gallery web app (unless WEB_APP_ENABLED=false).
 */
@Module({})
export class AppModule {
  static forConfig(config: EngineConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        engineLoggerModule(config, options.logDestination),
        CreativeEngineModule.forRoot({ config, queueDashboard: true, webApp: config.webApp.enabled }),
      ],
    };
  }
}
