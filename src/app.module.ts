import { DynamicModule, Module } from '@nestjs/common';
import { EngineConfig } from './config/engine-config';
import { CreativeEngineModule } from './creative-engine.module';

/** The standalone service: the engine with configuration validated from the environment by main.ts. */
@Module({})
export class AppModule {
  static forConfig(config: EngineConfig): DynamicModule {
    return { module: AppModule, imports: [CreativeEngineModule.forRoot({ config })] };
  }
}
