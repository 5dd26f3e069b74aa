/**
 * The audio a sandbox recording serves, computed from the recording itself (never a committed file):
 * the same recording always gives the same bytes, so a test can compare a download byte for byte.
 *
 * - WAV: 8 kHz 16-bit PCM, as Twilio's recordings are, one channel per recorded channel, holding a
 *   sine tone whose pitch comes from the SID (two recordings never sound alike by accident).
 * - MP3: MPEG-1 Layer III frames of digital silence. Encoding the tone would need an encoder; a
 *   frame with an all-zero side info and main data is a valid frame every decoder plays as silence,
 *   so the file is real MP3 of the right length, only quiet.
 * Both last the recording's duration, capped at MAX_AUDIO_SECONDS so downloads stay small.
 */

export const MAX_AUDIO_SECONDS = 3;
export const WAV_SAMPLE_RATE = 8000;

/** Seconds of audio for a recording of `duration` seconds: at least 1, at most MAX_AUDIO_SECONDS. */
export function audioSeconds(duration: number): number {
	return Math.min(MAX_AUDIO_SECONDS, Math.max(1, Math.round(duration)));
}

/** 200..999 Hz from the SID's hex digits. */
export function toneHz(sid: string): number {
	const digits = sid.slice(2, 8);
	const n = /^[0-9a-fA-F]+$/.test(digits) ? Number.parseInt(digits, 16) : 0;
	return 200 + (n % 800);
}

export function wavAudio(args: { seconds: number; channels: 1 | 2; hz: number }): Buffer {
	const samples = Math.round(args.seconds * WAV_SAMPLE_RATE);
	const blockAlign = args.channels * 2;
	const dataBytes = samples * blockAlign;
	const out = Buffer.alloc(44 + dataBytes);
	out.write('RIFF', 0, 'ascii');
	out.writeUInt32LE(36 + dataBytes, 4);
	out.write('WAVE', 8, 'ascii');
	out.write('fmt ', 12, 'ascii');
	out.writeUInt32LE(16, 16); // PCM fmt chunk size
	out.writeUInt16LE(1, 20); // PCM
	out.writeUInt16LE(args.channels, 22);
	out.writeUInt32LE(WAV_SAMPLE_RATE, 24);
	out.writeUInt32LE(WAV_SAMPLE_RATE * blockAlign, 28);
	out.writeUInt16LE(blockAlign, 32);
	out.writeUInt16LE(16, 34);
	out.write('data', 36, 'ascii');
	out.writeUInt32LE(dataBytes, 40);
	for (let i = 0; i < samples; i++) {
		// A third of full scale: audible, never clipping.
		const value = Math.round(Math.sin((2 * Math.PI * args.hz * i) / WAV_SAMPLE_RATE) * 0.3 * 32767);
		for (let c = 0; c < args.channels; c++) out.writeInt16LE(value, 44 + i * blockAlign + c * 2);
	}
	return out;
}

/** MPEG-1 Layer III, 32 kbit/s, 44.1 kHz, mono, no CRC, no padding: header FF FB 10 C4. */
export const MP3_FRAME_HEADER = Buffer.from([0xff, 0xfb, 0x10, 0xc4]);
export const MP3_SAMPLE_RATE = 44_100;
export const MP3_SAMPLES_PER_FRAME = 1152;
/** floor(144 × bitrate / sample rate) bytes for an unpadded Layer III frame. */
export const MP3_FRAME_BYTES = Math.floor((144 * 32_000) / MP3_SAMPLE_RATE);

export function mp3Audio(seconds: number): Buffer {
	const frames = Math.ceil((seconds * MP3_SAMPLE_RATE) / MP3_SAMPLES_PER_FRAME);
	const out = Buffer.alloc(frames * MP3_FRAME_BYTES);
	for (let f = 0; f < frames; f++) MP3_FRAME_HEADER.copy(out, f * MP3_FRAME_BYTES);
	return out;
}

export type RecordingFormat = 'mp3' | 'wav';

export const CONTENT_TYPES: Record<RecordingFormat, string> = { mp3: 'audio/mpeg', wav: 'audio/x-wav' };
