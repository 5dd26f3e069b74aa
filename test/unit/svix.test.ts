/**
 * The trigger's Svix verifier (nodes/EmailEventsTrigger/svix.ts) against the published vectors.
 *
 * The vector is the one every Standard Webhooks reference library pins in its "sign function works"
 * test, and Svix's own libraries in theirs (MIT): standard-webhooks/standard-webhooks,
 * libraries/javascript/src/webhook.test.ts ("sign function works"; the same secret, id, timestamp,
 * payload and signature in the Python, Go, PHP and Ruby tests, and in svix/svix-webhooks). The
 * "multi sig payload is valid" case there gives the decoy signatures used below.
 */
import { createHmac } from 'node:crypto';
import { secretKey, sign, TOLERANCE_SECONDS, verify, type SvixHeaders } from '../../nodes/EmailEventsTrigger/svix';

const VECTOR = {
	secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
	id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
	timestamp: 1614265330,
	payload: '{"test": 2432232314}',
	signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
/** From the same file's multi-signature test: a well-formed v1 that does not match, and a v2. */
const DECOY_V1 = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
const DECOY_V2 = 'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';

const AT_VECTOR_MS = VECTOR.timestamp * 1000;
const headers = (over: Partial<SvixHeaders> = {}): SvixHeaders => ({ id: VECTOR.id, timestamp: String(VECTOR.timestamp), signature: VECTOR.signature, ...over });
const check = (over: Partial<SvixHeaders> = {}, body: string | Buffer = VECTOR.payload, nowMs = AT_VECTOR_MS, secret = VECTOR.secret) => verify({ secret, headers: headers(over), body, nowMs });

describe('Svix verifier: the published vector', () => {
	it('sign() reproduces the published signature', () => {
		expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.payload)).toBe(VECTOR.signature);
		expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, Buffer.from(VECTOR.payload))).toBe(VECTOR.signature);
	});

	it('verify() accepts it at its own time, with or without the whsec_ prefix', () => {
		expect(check()).toEqual({ ok: true, id: VECTOR.id, timestamp: VECTOR.timestamp });
		expect(check({}, Buffer.from(VECTOR.payload))).toMatchObject({ ok: true });
		expect(check({}, VECTOR.payload, AT_VECTOR_MS, VECTOR.secret.slice('whsec_'.length))).toMatchObject({ ok: true });
	});

	it('agrees with a plain HMAC written out here', () => {
		const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
		const mac = createHmac('sha256', key).update(`${VECTOR.id}.${VECTOR.timestamp}.${VECTOR.payload}`).digest('base64');
		expect(`v1,${mac}`).toBe(VECTOR.signature);
		expect(secretKey(VECTOR.secret)).toEqual(key);
	});
});

describe('Svix verifier: several signatures and versions', () => {
	it('accepts when any v1 entry matches, wherever it is in the list', () => {
		expect(check({ signature: [DECOY_V1, DECOY_V2, VECTOR.signature, DECOY_V1].join(' ') })).toMatchObject({ ok: true });
		expect(check({ signature: `${VECTOR.signature} ${DECOY_V1}` })).toMatchObject({ ok: true });
	});

	it('refuses when only other entries are there', () => {
		expect(check({ signature: DECOY_V1 })).toEqual({ ok: false, reason: 'bad-signature' });
		expect(check({ signature: `${DECOY_V1} ${DECOY_V1}` })).toEqual({ ok: false, reason: 'bad-signature' });
	});

	it('ignores other versions, even carrying the right bytes', () => {
		const right = VECTOR.signature.slice(3);
		expect(check({ signature: `v2,${right}` })).toEqual({ ok: false, reason: 'no-v1-signature' });
		expect(check({ signature: `v1a,${right} ${DECOY_V2}` })).toEqual({ ok: false, reason: 'no-v1-signature' });
		expect(check({ signature: right })).toEqual({ ok: false, reason: 'no-v1-signature' });
	});

	it('refuses partial and empty signatures (from the reference tests)', () => {
		expect(check({ signature: VECTOR.signature.slice(0, 8) })).toEqual({ ok: false, reason: 'bad-signature' });
		expect(check({ signature: 'v1,' })).toEqual({ ok: false, reason: 'bad-signature' });
		expect(check({ signature: 'v1,dawfeoifkpqwoekfpqoekf' })).toEqual({ ok: false, reason: 'bad-signature' });
	});
});

describe('Svix verifier: time', () => {
	it('accepts up to 5 minutes either way, and refuses beyond', () => {
		const tol = TOLERANCE_SECONDS * 1000;
		expect(check({}, VECTOR.payload, AT_VECTOR_MS + tol)).toMatchObject({ ok: true });
		expect(check({}, VECTOR.payload, AT_VECTOR_MS - tol)).toMatchObject({ ok: true });
		expect(check({}, VECTOR.payload, AT_VECTOR_MS + tol + 1000)).toEqual({ ok: false, reason: 'too-old' });
		expect(check({}, VECTOR.payload, AT_VECTOR_MS - tol - 1000)).toEqual({ ok: false, reason: 'too-new' });
		// The published vector is from 2021: at today's time it is stale.
		expect(verify({ secret: VECTOR.secret, headers: headers(), body: VECTOR.payload })).toEqual({ ok: false, reason: 'too-old' });
	});

	it('refuses a fresh timestamp on the old signature: the timestamp is signed', () => {
		const now = Date.now();
		expect(check({ timestamp: String(Math.floor(now / 1000)) }, VECTOR.payload, now)).toEqual({ ok: false, reason: 'bad-signature' });
	});

	it('a request signed now verifies now', () => {
		const now = Date.now();
		const ts = Math.floor(now / 1000);
		expect(check({ timestamp: String(ts), signature: sign(VECTOR.secret, 'msg_1', ts, 'x'), id: 'msg_1' }, 'x', now)).toEqual({ ok: true, id: 'msg_1', timestamp: ts });
	});

	it('refuses timestamps that are not whole seconds', () => {
		for (const timestamp of ['hello', '1614265330.5', '-1614265330', '', ' 1614265330', '1614265330000000']) {
			expect(check({ timestamp }).ok).toBe(false);
		}
		expect(check({ timestamp: 'hello' })).toEqual({ ok: false, reason: 'bad-timestamp' });
	});
});

describe('Svix verifier: body, id and headers', () => {
	it('refuses a tampered body, even one that parses to the same JSON', () => {
		expect(check({}, '{"test": 2432232315}')).toEqual({ ok: false, reason: 'bad-signature' });
		expect(check({}, '{"test":2432232314}')).toEqual({ ok: false, reason: 'bad-signature' });
		expect(check({}, `${VECTOR.payload}\n`)).toEqual({ ok: false, reason: 'bad-signature' });
	});

	it('refuses another id: the id is signed', () => {
		expect(check({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJel' })).toEqual({ ok: false, reason: 'bad-signature' });
	});

	it('refuses a missing header', () => {
		expect(check({ id: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
		expect(check({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
		expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
		expect(check({ signature: '' })).toEqual({ ok: false, reason: 'missing-headers' });
	});

	it('refuses with another secret, and with a secret that is not base64', () => {
		expect(check({}, VECTOR.payload, AT_VECTOR_MS, 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD')).toEqual({ ok: false, reason: 'bad-signature' });
		expect(check({}, VECTOR.payload, AT_VECTOR_MS, 'whsec_not base64!')).toEqual({ ok: false, reason: 'bad-secret' });
		expect(check({}, VECTOR.payload, AT_VECTOR_MS, '')).toEqual({ ok: false, reason: 'bad-secret' });
		expect(() => sign('whsec_', 'msg', 1, 'x')).toThrow();
	});
});
