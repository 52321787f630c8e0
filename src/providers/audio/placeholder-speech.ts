import { createHash } from 'node:crypto';
import { wavFile } from './wav';

export const PLACEHOLDER_SAMPLE_RATE = 24_000;
/** Seconds of tone per character of a word, and of silence after each word, at speed 1. */
const SECONDS_PER_CHARACTER = 0.06;
const PAUSE_SECONDS = 0.08;
/** Longer texts are cut here, so a 4096-character request at speed 0.25 stays a few megabytes. */
export const PLACEHOLDER_MAX_SECONDS = 60;
const FADE_SECONDS = 0.005;
const AMPLITUDE = 0.3 * 0x7fff;

/**
 * "Speech" for the placeholder provider: one tone per word, its pitch derived from the word, its length from
 * the word's length, then a pause; everything scaled by 1/speed and cut at PLACEHOLDER_MAX_SECONDS. The same
 * text and speed always give the same bytes: a 24 kHz 16-bit mono WAV.
 */
export function renderPlaceholderSpeech(text: string, speed = 1): Buffer {
  const samplesPer = (seconds: number) => Math.round((seconds / speed) * PLACEHOLDER_SAMPLE_RATE);
  const maxSamples = PLACEHOLDER_MAX_SECONDS * PLACEHOLDER_SAMPLE_RATE;
  const words = text.split(/\s+/).filter((word) => word.length > 0);
  const plan = words.map((word) => ({
    frequency: pitchOf(word),
    tone: samplesPer(word.length * SECONDS_PER_CHARACTER),
    pause: samplesPer(PAUSE_SECONDS),
  }));
  const total = Math.min(
    maxSamples,
    plan.reduce((sum, word) => sum + word.tone + word.pause, 0),
  );
  const samples = new Int16Array(Math.max(total, 1));
  let offset = 0;
  for (const word of plan) {
    if (offset >= total) break;
    writeTone(samples, offset, Math.min(word.tone, total - offset), word.frequency);
    offset += word.tone + word.pause;
  }
  return wavFile(samples, PLACEHOLDER_SAMPLE_RATE);
}

/** 220–880 Hz, from the word's hash. */
function pitchOf(word: string): number {
  return 220 + (createHash('sha256').update(word).digest().readUInt16BE(0) % 661);
}

/** A sine with short fades at both ends, so words do not click. */
function writeTone(samples: Int16Array, offset: number, length: number, frequency: number): void {
  const fade = Math.min(Math.round(FADE_SECONDS * PLACEHOLDER_SAMPLE_RATE), Math.floor(length / 2));
  for (let index = 0; index < length; index++) {
    const envelope = Math.min(1, index / (fade || 1), (length - 1 - index) / (fade || 1));
    const phase = (2 * Math.PI * frequency * index) / PLACEHOLDER_SAMPLE_RATE;
    samples[offset + index] = Math.round(Math.sin(phase) * AMPLITUDE * Math.max(0, envelope));
  }
}
