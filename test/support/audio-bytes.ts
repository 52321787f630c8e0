import {
  BufferTarget,
  EncodedAudioPacketSource,
  EncodedPacket,
  FlacOutputFormat,
  OggOutputFormat,
  Output,
} from 'mediabunny';
import { wavFile } from '../../src/providers/audio/wav';

/**
 * Real audio bytes of every speech format, silent and of a known duration, built without an encoder: what
 * the fake provider answers and what the unit specs probe.
 */

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono: a header with zeroed side info and main data is a silent frame. */
export const MP3_FRAME = { samples: 1152, sampleRate: 44_100, bytes: 417 } as const;

export function silentMp3(frames: number, options: { id3?: boolean } = {}): Buffer {
  const frame = Buffer.alloc(MP3_FRAME.bytes);
  frame.writeUInt32BE(0xfffb90c4, 0);
  const body = Buffer.concat(Array.from({ length: frames }, () => frame));
  if (!options.id3) return body;
  // An empty ID3v2.4 tag, as many encoders write before the first frame.
  return Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]), body]);
}

/** ADTS AAC-LC, 24 kHz mono: one single-channel element with no spectral data (silence), then END. */
export const AAC_FRAME = { samples: 1024, sampleRate: 24_000 } as const;

export function silentAdts(frames: number): Buffer {
  const payload = Buffer.from([0x00, 0x00, 0x00, 0x07]);
  const length = 7 + payload.length;
  const profile = 1; // AAC LC (object type 2, minus one)
  const sampleRateIndex = 6; // 24000 Hz
  const channels = 1;
  const header = Buffer.from([
    0xff,
    0xf1,
    (profile << 6) | (sampleRateIndex << 2) | (channels >> 2),
    ((channels & 3) << 6) | (length >> 11),
    (length >> 3) & 0xff,
    ((length & 7) << 5) | 0x1f,
    0xfc,
  ]);
  return Buffer.concat(Array.from({ length: frames }, () => Buffer.concat([header, payload])));
}

/** A 24 kHz 16-bit mono WAV of silence. */
export function silentWav(seconds: number): Buffer {
  return wavFile(new Int16Array(Math.round(seconds * 24_000)), 24_000);
}

/** OpenAI's `pcm`: raw 24 kHz 16-bit mono little-endian samples. */
export function silentPcm(seconds: number): Buffer {
  return Buffer.alloc(Math.round(seconds * 24_000) * 2);
}

/** Ogg Opus of 20 ms silent CELT frames (the TOC 0xF8 packet libopus emits for digital silence). */
export async function silentOpus(frames: number): Promise<Buffer> {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head[8] = 1; // version
  head[9] = 1; // channels
  head.writeUInt32LE(24_000, 12); // input sample rate (informational)
  return mux(new OggOutputFormat(), 'opus', frames, 0.02, () => new Uint8Array([0xf8, 0xff, 0xfe]), {
    codec: 'opus',
    numberOfChannels: 1,
    sampleRate: 48_000,
    description: new Uint8Array(head),
  });
}

/** FLAC, 24 kHz 16-bit mono, of 4096-sample frames each holding one CONSTANT (zero) subframe. */
export const FLAC_FRAME = { samples: 4096, sampleRate: 24_000 } as const;

export async function silentFlac(frames: number): Promise<Buffer> {
  const streamInfo = Buffer.alloc(34);
  streamInfo.writeUInt16BE(FLAC_FRAME.samples, 0);
  streamInfo.writeUInt16BE(FLAC_FRAME.samples, 2);
  const packed =
    (BigInt(FLAC_FRAME.sampleRate) << 44n) | (0n << 41n) | (15n << 36n) | BigInt(frames * FLAC_FRAME.samples);
  streamInfo.writeBigUInt64BE(packed, 10);
  return mux(new FlacOutputFormat(), 'flac', frames, FLAC_FRAME.samples / FLAC_FRAME.sampleRate, flacFrame, {
    codec: 'flac',
    numberOfChannels: 1,
    sampleRate: FLAC_FRAME.sampleRate,
    description: new Uint8Array(Buffer.concat([Buffer.from('fLaC'), Buffer.from([0x80, 0, 0, 34]), streamInfo])),
  });
}

function flacFrame(index: number): Uint8Array {
  // Sync + fixed blocking; block size 4096 (0b1100), 24 kHz (0b0111); mono, 16 bits; frame number (UTF-8 coded, < 128).
  const header = Buffer.from([0xff, 0xf8, 0xc7, 0x08, index & 0x7f]);
  const subframe = Buffer.from([0x00, 0x00, 0x00]); // CONSTANT subframe, value 0
  const frame = Buffer.concat([header, Buffer.from([crc8(header)]), subframe]);
  const crc = Buffer.alloc(2);
  crc.writeUInt16BE(crc16(frame));
  return new Uint8Array(Buffer.concat([frame, crc]));
}

function crc8(bytes: Buffer): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(bytes: Buffer): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

async function mux(
  format: OggOutputFormat | FlacOutputFormat,
  codec: 'opus' | 'flac',
  frames: number,
  frameSeconds: number,
  packet: (index: number) => Uint8Array,
  decoderConfig: AudioDecoderConfig,
): Promise<Buffer> {
  const output = new Output({ format, target: new BufferTarget() });
  const source = new EncodedAudioPacketSource(codec);
  output.addAudioTrack(source);
  await output.start();
  for (let index = 0; index < frames; index++) {
    const encoded = new EncodedPacket(packet(index), 'key', index * frameSeconds, frameSeconds);
    await source.add(encoded, index === 0 ? { decoderConfig } : undefined);
  }
  await output.finalize();
  return Buffer.from(output.target.buffer as ArrayBuffer);
}
