import { Module } from '@nestjs/common';
import { AudioGenerationModule } from '../audio-generation/audio-generation.module';
import { AudioJobHandler } from '../audio-generation/audio-job.handler';
import { ImageGenerationModule } from '../image-generation/image-generation.module';
import { ImageJobHandler } from '../image-generation/image-job.handler';
import { ImageStudioJobHandler } from '../image-studio/image-studio-job.handler';
import { ImageStudioModule } from '../image-studio/image-studio.module';
import { GenerationJobProcessor } from '../jobs/generation-job.processor';
import { JOB_HANDLERS, JobHandlers } from '../jobs/job-handler';
import { JobsModule } from '../jobs/jobs.module';
import { QueueModule } from '../queue/queue.module';
import { VideoGenerationModule } from '../video-generation/video-generation.module';
import { VideoJobHandler } from '../video-generation/video-job.handler';

/**
 * The queue consumer with the handler of every job kind (each generator module exports its own). Consumes
 * only where WORKER_ENABLED; an API started without a worker just enqueues.
 */
@Module({
  imports: [
    JobsModule,
    QueueModule,
    ImageGenerationModule,
    ImageStudioModule,
    AudioGenerationModule,
    VideoGenerationModule,
  ],
  providers: [
    {
      provide: JOB_HANDLERS,
      inject: [ImageJobHandler, ImageStudioJobHandler, AudioJobHandler, VideoJobHandler],
      useFactory: (
        images: ImageJobHandler,
        studio: ImageStudioJobHandler,
        audio: AudioJobHandler,
        videos: VideoJobHandler,
      ): JobHandlers => ({
        image_generation: images,
        image_regeneration: images,
        image_edit: studio,
        image_upscale: studio,
        audio_generation: audio,
        video_generation: videos,
      }),
    },
    GenerationJobProcessor,
  ],
  exports: [GenerationJobProcessor],
})
export class JobWorkerModule {}
