/**
 * A Lookup answer as one flat item, so "skip landlines" or "only valid numbers" is a single IF on a
 * top-level boolean. The packages stay available unflattened under `raw`.
 */
import type { IDataObject } from 'n8n-workflow';
import type { PhoneNumberInstance } from 'twilio/lib/rest/lookups/v2/phoneNumber';
import type { DataPackage } from './validation';

/** Twilio's two VoIP types: fixed (tied to an address, like a cable line) and non-fixed (app or virtual numbers). */
const VOIP_TYPES = new Set(['fixedVoip', 'nonFixedVoip']);

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const code = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

/** The SDK's answer as plain JSON (its package objects are class instances). */
function plain(instance: PhoneNumberInstance): IDataObject {
	return JSON.parse(JSON.stringify(instance.toJSON())) as IDataObject;
}

export function lookupOutput(instance: PhoneNumberInstance, request: { input: string; fields: readonly DataPackage[] }): IDataObject {
	const lti = instance.lineTypeIntelligence ?? null;
	const cnam = instance.callerName ?? null;
	const lineType = text(lti?.type);
	return {
		valid: instance.valid === true,
		// Empty rather than null when valid, so "is empty" and `.length` work without a null check.
		validationErrors: Array.isArray(instance.validationErrors) ? [...instance.validationErrors] : [],
		phoneNumber: text(instance.phoneNumber),
		nationalFormat: text(instance.nationalFormat),
		countryCode: text(instance.countryCode),
		callingCountryCode: text(instance.callingCountryCode),
		lineType,
		isMobile: lineType === 'mobile',
		isLandline: lineType === 'landline',
		isVoip: lineType !== null && VOIP_TYPES.has(lineType),
		carrier: text(lti?.carrierName),
		mobileCountryCode: text(lti?.mobileCountryCode),
		mobileNetworkCode: text(lti?.mobileNetworkCode),
		lineTypeErrorCode: code(lti?.errorCode),
		callerName: text(cnam?.callerName),
		callerType: text(cnam?.callerType),
		callerNameErrorCode: code(cnam?.errorCode),
		dataPackages: [...request.fields],
		input: request.input,
		raw: plain(instance),
	};
}
