/**
 * Twilio resources as flat items that map easily in the next node.
 */
import type { IDataObject } from 'n8n-workflow';
import type { CallInstance } from 'twilio/lib/rest/api/v2010/account/call';
import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';

const iso = (d: Date | null | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : null);
const num = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? null : Number(v));

export function messageOutput(m: MessageInstance): IDataObject {
	return {
		sid: m.sid,
		status: m.status,
		to: m.to,
		from: m.from,
		body: m.body,
		numSegments: num(m.numSegments),
		numMedia: num(m.numMedia),
		direction: m.direction,
		price: num(m.price),
		priceUnit: m.priceUnit ?? null,
		errorCode: m.errorCode ?? null,
		errorMessage: m.errorMessage ?? null,
		messagingServiceSid: m.messagingServiceSid ?? null,
		accountSid: m.accountSid,
		dateCreated: iso(m.dateCreated),
		dateSent: iso(m.dateSent),
		dateUpdated: iso(m.dateUpdated),
	};
}

export function callOutput(c: CallInstance): IDataObject {
	return {
		sid: c.sid,
		status: c.status,
		to: c.to,
		from: c.from,
		direction: c.direction,
		answeredBy: c.answeredBy ?? null,
		duration: num(c.duration),
		price: num(c.price),
		priceUnit: c.priceUnit ?? null,
		parentCallSid: c.parentCallSid ?? null,
		accountSid: c.accountSid,
		dateCreated: iso(c.dateCreated),
		dateUpdated: iso(c.dateUpdated),
		startTime: iso(c.startTime),
		endTime: iso(c.endTime),
	};
}
