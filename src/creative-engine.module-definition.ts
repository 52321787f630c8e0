import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { Request } from 'express';
import type { EngineConfig } from './config/engine-config';
import type { FileStore } from './storage/file-store';

/** Returns the calling user's id, or null when the request is not authenticated (answered with 401). */
export type UserResolver = (request: Request) => string | null | undefined | Promise<string | null | undefined>;

export interface CreativeEngineModuleOptions {
  /** Validated configuration; build it with `loadConfig(process.env)` or from your own config source. */
  config: EngineConfig;
  /**
   * Host apps with their own authentication pass a resolver; it replaces the JWT/header modes of
   * `config.auth` for every /api/creative route.
   */
  resolveUser?: UserResolver;
  /** Where asset bytes are kept; by default the local disk under `config.storageDir`. */
  fileStore?: FileStore;
}

export const {
  ConfigurableModuleClass: CreativeEngineModuleBase,
  MODULE_OPTIONS_TOKEN: CREATIVE_ENGINE_OPTIONS,
  OPTIONS_TYPE: CREATIVE_ENGINE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CREATIVE_ENGINE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CreativeEngineModuleOptions>()
  .setClassMethodName('forRoot')
  // Extras are known when the module is assembled, before any options factory runs: they decide which modules
  // and routes exist. `queueDashboard`: Bull Board at /queues for administrators; `webApp`: the gallery web app at
  // `/` (both off in a host unless asked).
  .setExtras({ isGlobal: false, queueDashboard: false, webApp: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
