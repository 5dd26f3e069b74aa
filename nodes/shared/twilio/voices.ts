/**
 * The text-to-speech voices <Say> accepts, with the languages each one speaks.
 *
 * Twilio answers an unsupported voice/language pair only when the call is answered (the callee
 * hears an error), so the pair is checked before the call is placed. Polly voices speak one
 * language (two for the bilingual Indian voices); Google voice names carry their language.
 */
import type { INodeProperties } from 'n8n-workflow';

export type VoiceFamily = 'basic' | 'polly' | 'google';

export interface VoiceInfo {
	voice: string;
	family: VoiceFamily;
	/** Languages the voice speaks; the first is what it uses when Language is left empty. */
	languages: string[];
}

/** alice's languages, as Twilio lists them for the legacy voice. */
const ALICE_LANGUAGES = [
	'en-US', 'en-GB', 'en-AU', 'en-CA', 'en-IN', 'ca-ES', 'da-DK', 'de-DE', 'es-ES', 'es-MX', 'fi-FI', 'fr-CA', 'fr-FR', 'it-IT',
	'ja-JP', 'ko-KR', 'nb-NO', 'nl-NL', 'pl-PL', 'pt-BR', 'pt-PT', 'ru-RU', 'sv-SE', 'zh-CN', 'zh-HK', 'zh-TW',
];
/** man and woman only ever spoke these five. */
const BASIC_LANGUAGES = ['en-US', 'en-GB', 'es-ES', 'fr-FR', 'de-DE'];

const POLLY_STANDARD: Record<string, string[]> = {
	Aditi: ['hi-IN', 'en-IN'], Amy: ['en-GB'], Astrid: ['sv-SE'], Bianca: ['it-IT'], Brian: ['en-GB'], Camila: ['pt-BR'],
	Carla: ['it-IT'], Carmen: ['ro-RO'], Celine: ['fr-FR'], Chantal: ['fr-CA'], Conchita: ['es-ES'], Cristiano: ['pt-PT'],
	Dora: ['is-IS'], Emma: ['en-GB'], Enrique: ['es-ES'], Ewa: ['pl-PL'], Filiz: ['tr-TR'], Geraint: ['en-GB-WLS'],
	Giorgio: ['it-IT'], Gwyneth: ['cy-GB'], Hans: ['de-DE'], Ines: ['pt-PT'], Ivy: ['en-US'], Jacek: ['pl-PL'], Jan: ['pl-PL'],
	Joanna: ['en-US'], Joey: ['en-US'], Justin: ['en-US'], Karl: ['is-IS'], Kendra: ['en-US'], Kevin: ['en-US'],
	Kimberly: ['en-US'], Lea: ['fr-FR'], Liv: ['nb-NO'], Lotte: ['nl-NL'], Lucia: ['es-ES'], Lupe: ['es-US'], Mads: ['da-DK'],
	Maja: ['pl-PL'], Marlene: ['de-DE'], Mathieu: ['fr-FR'], Matthew: ['en-US'], Maxim: ['ru-RU'], Mia: ['es-MX'],
	Miguel: ['es-US'], Mizuki: ['ja-JP'], Naja: ['da-DK'], Nicole: ['en-AU'], Penelope: ['es-US'], Raveena: ['en-IN'],
	Ricardo: ['pt-BR'], Ruben: ['nl-NL'], Russell: ['en-AU'], Salli: ['en-US'], Seoyeon: ['ko-KR'], Takumi: ['ja-JP'],
	Tatyana: ['ru-RU'], Vicki: ['de-DE'], Vitoria: ['pt-BR'], Zeina: ['arb'], Zhiyu: ['cmn-CN'],
};

const POLLY_NEURAL: Record<string, string[]> = {
	Adriano: ['it-IT'], Amy: ['en-GB'], Andres: ['es-MX'], Aria: ['en-NZ'], Arlet: ['ca-ES'], Arthur: ['en-GB'], Ayanda: ['en-ZA'],
	Bianca: ['it-IT'], Brian: ['en-GB'], Burcu: ['tr-TR'], Camila: ['pt-BR'], Daniel: ['de-DE'], Danielle: ['en-US'],
	Elin: ['sv-SE'], Emma: ['en-GB'], Gabrielle: ['fr-CA'], Gregory: ['en-US'], Hala: ['ar-AE'], Hannah: ['de-AT'],
	Hiujin: ['yue-HK'], Ida: ['nb-NO'], Ines: ['pt-PT'], Isabelle: ['fr-BE'], Ivy: ['en-US'], Joanna: ['en-US'], Joey: ['en-US'],
	Justin: ['en-US'], Kajal: ['en-IN', 'hi-IN'], Kazuha: ['ja-JP'], Kendra: ['en-US'], Kevin: ['en-US'], Kimberly: ['en-US'],
	Laura: ['nl-NL'], Lea: ['fr-FR'], Liam: ['fr-CA'], Lisa: ['nl-BE'], Lucia: ['es-ES'], Lupe: ['es-US'], Matthew: ['en-US'],
	Mia: ['es-MX'], Niamh: ['en-IE'], Ola: ['pl-PL'], Olivia: ['en-AU'], Pedro: ['es-US'], Remi: ['fr-FR'], Ruth: ['en-US'],
	Salli: ['en-US'], Seoyeon: ['ko-KR'], Sergio: ['es-ES'], Sofie: ['da-DK'], Stephen: ['en-US'], Suvi: ['fi-FI'],
	Takumi: ['ja-JP'], Thiago: ['pt-BR'], Tomoko: ['ja-JP'], Vicki: ['de-DE'], Vitoria: ['pt-BR'], Zayd: ['ar-AE'], Zhiyu: ['cmn-CN'],
};

// Google voice names are <language>-<model>-<variant>, e.g. Google.en-US-Neural2-F or Google.de-DE-Chirp3-HD-Kore.
const GOOGLE_VOICE = /^Google\.([a-z]{2,3}-[A-Za-z]{2})-(Standard|Wavenet|Neural2|Chirp3-HD|Chirp-HD|Journey|Studio|Polyglot|News)-[A-Za-z0-9]+$/;

/** The Google voices offered in the editor's list; any other well-formed Google voice works through an expression. */
const GOOGLE_LISTED = [
	'en-US-Neural2-F', 'en-US-Neural2-J', 'en-US-Standard-C', 'en-US-Wavenet-D', 'en-US-Chirp3-HD-Aoede', 'en-GB-Neural2-A',
	'en-GB-Neural2-B', 'en-AU-Neural2-C', 'en-IN-Neural2-A', 'de-DE-Neural2-B', 'de-DE-Neural2-G', 'fr-FR-Neural2-A',
	'fr-FR-Neural2-B', 'fr-CA-Neural2-A', 'es-ES-Neural2-A', 'es-US-Neural2-B', 'it-IT-Neural2-A', 'pt-BR-Neural2-C',
	'nl-NL-Standard-A', 'ja-JP-Neural2-B', 'ko-KR-Neural2-A', 'cmn-CN-Wavenet-A', 'hi-IN-Neural2-A', 'pl-PL-Standard-A',
];

export function voiceInfo(voice: string): VoiceInfo | undefined {
	if (voice === 'alice') return { voice, family: 'basic', languages: ALICE_LANGUAGES };
	if (voice === 'man' || voice === 'woman') return { voice, family: 'basic', languages: BASIC_LANGUAGES };
	const polly = /^Polly\.([A-Za-z]+)(-Neural)?$/.exec(voice);
	if (polly) {
		const languages = (polly[2] ? POLLY_NEURAL : POLLY_STANDARD)[polly[1]];
		return languages ? { voice, family: 'polly', languages } : undefined;
	}
	const google = GOOGLE_VOICE.exec(voice);
	if (google) return { voice, family: 'google', languages: [google[1]] };
	return undefined;
}

const LANGUAGE_NAMES: Record<string, string> = {
	'ar-AE': 'Arabic (UAE)', arb: 'Arabic', 'ca-ES': 'Catalan', 'cmn-CN': 'Chinese Mandarin', 'cy-GB': 'Welsh', 'da-DK': 'Danish',
	'de-AT': 'German (Austria)', 'de-DE': 'German', 'en-AU': 'English (Australia)', 'en-CA': 'English (Canada)',
	'en-GB': 'English (UK)', 'en-GB-WLS': 'English (Wales)', 'en-IE': 'English (Ireland)', 'en-IN': 'English (India)',
	'en-NZ': 'English (New Zealand)', 'en-US': 'English (US)', 'en-ZA': 'English (South Africa)', 'es-ES': 'Spanish (Spain)',
	'es-MX': 'Spanish (Mexico)', 'es-US': 'Spanish (US)', 'fi-FI': 'Finnish', 'fr-BE': 'French (Belgium)',
	'fr-CA': 'French (Canada)', 'fr-FR': 'French (France)', 'hi-IN': 'Hindi', 'is-IS': 'Icelandic', 'it-IT': 'Italian',
	'ja-JP': 'Japanese', 'ko-KR': 'Korean', 'nb-NO': 'Norwegian', 'nl-BE': 'Dutch (Belgium)', 'nl-NL': 'Dutch',
	'pl-PL': 'Polish', 'pt-BR': 'Portuguese (Brazil)', 'pt-PT': 'Portuguese (Portugal)', 'ro-RO': 'Romanian',
	'ru-RU': 'Russian', 'sv-SE': 'Swedish', 'tr-TR': 'Turkish', 'yue-HK': 'Cantonese', 'zh-CN': 'Chinese (Mandarin)',
	'zh-HK': 'Chinese (Cantonese)', 'zh-TW': 'Chinese (Taiwan)',
};

export function languageName(code: string): string {
	return LANGUAGE_NAMES[code] ?? code;
}

export interface VoiceOption {
	name: string;
	value: string;
	description: string;
}

function describe(voice: string, label: string): VoiceOption {
	const info = voiceInfo(voice)!;
	const langs = info.languages.map(languageName);
	const description = info.family === 'basic' && info.languages.length > 5 ? `${info.languages.length} languages` : langs.join(', ');
	return { name: `${label} — ${langs[0]}${info.languages.length > 1 && info.family !== 'basic' ? ' +' : ''}`, value: voice, description };
}

/** The editor's Voice list: the basic voices, then Polly (standard and neural), then a selection of Google voices. */
export function voiceOptions(): VoiceOption[] {
	const basic = [
		{ name: 'Alice (Legacy, 26 Languages)', value: 'alice', description: 'Twilio\'s classic voice; set Language to pick one of its 26 languages' },
		{ name: 'Man (Legacy)', value: 'man', description: 'English (US/UK), Spanish, French, German' },
		{ name: 'Woman (Legacy)', value: 'woman', description: 'English (US/UK), Spanish, French, German' },
	];
	const polly = [
		...Object.keys(POLLY_STANDARD).map((n) => describe(`Polly.${n}`, `Polly ${n}`)),
		...Object.keys(POLLY_NEURAL).map((n) => describe(`Polly.${n}-Neural`, `Polly ${n} (Neural)`)),
	];
	const google = GOOGLE_LISTED.map((n) => describe(`Google.${n}`, `Google ${n}`));
	return [...basic, ...polly, ...google];
}

/** Every language some voice speaks, for the Language list. */
export function languageOptions(): Array<{ name: string; value: string }> {
	return Object.keys(LANGUAGE_NAMES)
		.sort((a, b) => languageName(a).localeCompare(languageName(b)))
		.map((code) => ({ name: `${languageName(code)} (${code})`, value: code }));
}

/** The Voice and Language parameters, shown alike wherever text is said (Voice Message, the trigger's call answer). */
export function voiceFields(overrides: Partial<INodeProperties> = {}): INodeProperties[] {
	return [
		{
			displayName: 'Voice',
			name: 'voice',
			type: 'options',
			default: 'Polly.Joanna',
			options: voiceOptions(),
			description:
				'Text-to-speech voice. Amazon Polly and Google voices each speak their own language; any other Google voice name works through an expression.',
			...overrides,
		},
		{
			displayName: 'Language',
			name: 'language',
			type: 'options',
			default: '',
			options: [{ name: "Voice's Own Language", value: '' }, ...languageOptions()],
			description: 'Needed only for alice, man and woman, or bilingual voices. Must be a language the voice speaks.',
			...overrides,
		},
	];
}
