import { readAudioMetadata } from '../../storage/media-probe';
import { PLACEHOLDER_MAX_SECONDS, PLACEHOLDER_SAMPLE_RATE, renderPlaceholderSpeech } from './placeholder-speech';

const durationOf = async (bytes: Buffer) => (await readAudioMetadata(bytes, 'audio/wav')).duration;

describe('renderPlaceholderSpeech', () => {
  it('renders a 24 kHz 16-bit mono WAV, the same bytes for the same text and speed', () => {
    const wav = renderPlaceholderSpeech('Hello there, listener');
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.subarray(8, 12).toString('ascii')).toBe('WAVE');
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(PLACEHOLDER_SAMPLE_RATE);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(renderPlaceholderSpeech('Hello there, listener').equals(wav)).toBe(true);
    expect(renderPlaceholderSpeech('Hello there, listeners').equals(wav)).toBe(false);
    // Not silence: each word is a tone.
    expect(wav.subarray(44).some((byte) => byte !== 0)).toBe(true);
  });

  it('lasts longer for a longer text and for a slower speed, and never beyond its bound', async () => {
    const short = await durationOf(renderPlaceholderSpeech('One two'));
    const long = await durationOf(renderPlaceholderSpeech('One two three four five six'));
    const slow = await durationOf(renderPlaceholderSpeech('One two', 0.5));
    const fast = await durationOf(renderPlaceholderSpeech('One two', 2));
    expect(short).toBeGreaterThan(0);
    expect(long).toBeGreaterThan(short);
    expect(slow).toBeCloseTo(short * 2, 2);
    expect(fast).toBeCloseTo(short / 2, 2);
    expect(await durationOf(renderPlaceholderSpeech('word '.repeat(800).trim(), 0.25))).toBe(PLACEHOLDER_MAX_SECONDS);
  });
});
