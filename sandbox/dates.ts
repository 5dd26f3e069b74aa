/** Twilio's 2010 API writes dates as RFC 2822 with a numeric zone: "Thu, 30 Jul 2015 20:12:31 +0000". */
export function rfc2822(date: Date): string {
	return date.toUTCString().replace('GMT', '+0000');
}

/** Newer APIs (Messaging v1, Verify v2) use ISO 8601 without milliseconds. */
export function iso8601(date: Date): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
