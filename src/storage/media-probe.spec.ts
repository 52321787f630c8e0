import {
  AAC_FRAME,
  FLAC_FRAME,
  MP3_FRAME,
  silentAdts,
  silentFlac,
  silentMp3,
  silentOpus,
  silentPcm,
  silentWav,
} from '../../test/support/audio-bytes';
import { RAW_PCM_MIME_TYPE, readAudioMetadata } from './media-probe';

describe('readAudioMetadata', () => {
  it('reads the duration of every speech format from its bytes', async () => {
    const cases: [Buffer, string, string, number][] = [
      [silentWav(2.5), 'audio/wav', 'wav', 2.5],
      [silentMp3(100), 'audio/mpeg', 'mp3', (100 * MP3_FRAME.samples) / MP3_FRAME.sampleRate],
      [silentMp3(50, { id3: true }), 'audio/mpeg', 'mp3', (50 * MP3_FRAME.samples) / MP3_FRAME.sampleRate],
      [silentAdts(75), 'audio/aac', 'aac', (75 * AAC_FRAME.samples) / AAC_FRAME.sampleRate],
      [await silentOpus(50), 'audio/ogg', 'ogg', 1],
      [await silentFlac(12), 'audio/flac', 'flac', (12 * FLAC_FRAME.samples) / FLAC_FRAME.sampleRate],
      [silentPcm(1.5), RAW_PCM_MIME_TYPE, 'pcm', 1.5],
    ];
    for (const [bytes, mimeType, format, duration] of cases) {
      const metadata = await readAudioMetadata(bytes, mimeType);
      expect({ ...metadata, duration: Number(metadata.duration.toFixed(6)) }).toEqual({
        mimeType,
        format,
        duration: Number(duration.toFixed(6)),
        fileSize: bytes.length,
      });
    }
  });

  it('refuses bytes that are not the declared format, and raw PCM of a partial sample', async () => {
    await expect(readAudioMetadata(silentWav(1), 'audio/mpeg')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(readAudioMetadata(silentMp3(10), 'audio/wav')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(readAudioMetadata(Buffer.from('{"error": "not audio"}'), 'audio/aac')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(readAudioMetadata(Buffer.alloc(3), RAW_PCM_MIME_TYPE)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(readAudioMetadata(silentWav(1), 'audio/x-unknown')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
