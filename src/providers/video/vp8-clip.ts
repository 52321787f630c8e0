import {
  BufferTarget,
  EncodedPacket,
  EncodedVideoPacketSource,
  Mp4OutputFormat,
  Output,
  WebMOutputFormat,
} from 'mediabunny';
import sharp from 'sharp';

export type ClipContainer = 'webm' | 'mp4';

export interface ClipFrames {
  width: number;
  height: number;
  framesPerSecond: number;
  /** Frame `index` as any image sharp reads (SVG, PNG …), already `width` × `height`. */
  frame(index: number): Buffer | Promise<Buffer>;
  count: number;
}

/**
 * A real VP8 video made without a video encoder: a lossy WebP image is one VP8 keyframe in a RIFF wrapper,
 * so sharp encodes each frame and mediabunny muxes the keyframes into WebM or MP4.
 */
export async function encodeVp8Clip(frames: ClipFrames, container: ClipContainer): Promise<Buffer> {
  const output = new Output({
    format: container === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat(),
    target: new BufferTarget(),
  });
  const source = new EncodedVideoPacketSource('vp8');
  output.addVideoTrack(source, { frameRate: frames.framesPerSecond });
  await output.start();
  const frameDuration = 1 / frames.framesPerSecond;
  for (let index = 0; index < frames.count; index++) {
    const webp = await sharp(await frames.frame(index))
      .resize(frames.width, frames.height)
      .webp({ quality: 70 })
      .toBuffer();
    const packet = new EncodedPacket(vp8KeyframeOf(webp), 'key', index * frameDuration, frameDuration);
    const metadata =
      index === 0
        ? { decoderConfig: { codec: 'vp8', codedWidth: frames.width, codedHeight: frames.height } }
        : undefined;
    await source.add(packet, metadata);
  }
  await output.finalize();
  return Buffer.from(output.target.buffer as ArrayBuffer);
}

/** The payload of the `VP8 ` chunk of a lossy WebP file (RIFF header, then chunks padded to even sizes). */
export function vp8KeyframeOf(webp: Buffer): Buffer {
  for (let offset = 12; offset + 8 <= webp.length;) {
    const id = webp.toString('latin1', offset, offset + 4);
    const size = webp.readUInt32LE(offset + 4);
    if (id === 'VP8 ') return webp.subarray(offset + 8, offset + 8 + size);
    offset += 8 + size + (size % 2);
  }
  throw new Error('The WebP image has no lossy VP8 frame');
}
