// The public API of the Creative Engine for host Nest apps (package.json "main").
export { CreativeEngineModule } from './creative-engine.module';
export { CREATIVE_ENGINE_OPTIONS } from './creative-engine.module-definition';
export type { CreativeEngineModuleOptions, UserResolver } from './creative-engine.module-definition';
export { ConfigValidationError, EngineConfig, loadConfig } from './config/engine-config';
export * from './common/errors';
export { CurrentUser } from './auth/current-user.decorator';
export type { AuthUser } from './auth/current-user.decorator';
export { AssetsService } from './assets/assets.service';
export type { PreparedAsset } from './assets/assets.service';
export type { SaveAssetInput } from './assets/save-asset-input';
export { AssetStatsService } from './assets/asset-stats.service';
export { CollectionsService } from './assets/collections.service';
export { StorageService } from './storage/storage.service';
export { TemplatesService } from './templates/templates.service';
export { ContentCreationService } from './content-creation/content-creation.service';
export { ImageGenerationService } from './image-generation/image-generation.service';
export { GenerationJobsService } from './image-generation/generation-jobs.service';
