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
export { StoredFilesService } from './assets/stored-files';
export type { DeletionSweepResult, StoredFile, StorageSweepResult } from './assets/stored-files';
export { StorageService } from './storage/storage.service';
export { FILE_STORE, FileNotFoundError, LocalDiskFileStore } from './storage/file-store';
export type { FileStore } from './storage/file-store';
export { TemplatesService } from './templates/templates.service';
export { ContentCreationService } from './content-creation/content-creation.service';
export { ImageGenerationService } from './image-generation/image-generation.service';
export { ImageStudioService } from './image-studio/image-studio.service';
export { AssetUploadsService } from './assets/asset-uploads.service';
export { AudioGenerationService } from './audio-generation/audio-generation.service';
export { GenerationJobsService } from './generation-jobs/generation-jobs.service';
export { VideoGenerationService } from './video-generation/video-generation.service';
export { JobSubmissionService } from './generation-jobs/job-submission.service';
export { CREATIVE_EVENTS } from './events/creative-events';
export type {
  AssetCreatedEvent,
  AssetDeletedEvent,
  CreativeEventName,
  CreativeEventPayloads,
  JobCompletedEvent,
  JobFailedEvent,
} from './events/creative-events';
export { EngineMetrics } from './metrics/engine-metrics';
export { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
