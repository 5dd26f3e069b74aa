/**
 * Messages, calls and emails as one flat status shape, so a workflow can branch on `isFinal` and
 * `isSuccess` without knowing which API answered. Vendor-specific details stay in `raw`.
 */
import type { IDataObject } from 'n8n-workflow';
import type { GetEmailResponseSuccess } from 'resend';
import type { CallInstance } from 'twilio/lib/rest/api/v2010/account/call';
import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';
import { explainTwilioError } from '../shared/status/deliveryErrors';
import { classifyStatus, type StatusKind } from '../shared/status/table';

export type Channel = 'sms' | 'mms' | 'whatsapp' | 'call' | 'email';

export interface StatusOutput extends IDataObject {
	id: string;
	channel: Channel;
	status: string;
	isFinal: boolean;
	isSuccess: boolean;
	statusMeaning: string;
	errorCode: number | null;
	errorMessage: string | null;
	errorHint: string | null;
	errorMoreInfo: string | null;
	to: string | null;
	from: string | null;
	createdAt: string | null;
	updatedAt: string | null;
	price: number | null;
	priceUnit: string | null;
	raw: IDataObject;
}

const iso = (d: Date | null | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : null);
const num = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? null : Number(v));

/** SDK instances hold Dates and back-references; items must be plain JSON. */
function plain(instance: { toJSON(): object }): IDataObject {
	return JSON.parse(JSON.stringify(instance.toJSON())) as IDataObject;
}

function verdict(kind: StatusKind, status: string) {
	const rule = classifyStatus(kind, status);
	return { status, isFinal: rule.isFinal, isSuccess: rule.isSuccess, statusMeaning: rule.meaning };
}

function messageChannel(m: MessageInstance): Channel {
	if ((m.to ?? '').startsWith('whatsapp:') || (m.from ?? '').startsWith('whatsapp:')) return 'whatsapp';
	return m.sid.startsWith('MM') || Number(m.numMedia) > 0 ? 'mms' : 'sms';
}

export function fromMessage(m: MessageInstance): StatusOutput {
	const error = explainTwilioError(m.errorCode, m.errorMessage);
	return {
		id: m.sid,
		channel: messageChannel(m),
		...verdict('message', m.status),
		errorCode: error?.code ?? null,
		errorMessage: error?.text ?? null,
		errorHint: error?.hint ?? null,
		errorMoreInfo: error?.moreInfo ?? null,
		to: m.to ?? null,
		from: m.from ?? null,
		direction: m.direction,
		body: m.body,
		createdAt: iso(m.dateCreated),
		sentAt: iso(m.dateSent),
		updatedAt: iso(m.dateUpdated),
		price: num(m.price),
		priceUnit: m.priceUnit ?? null,
		numSegments: num(m.numSegments),
		numMedia: num(m.numMedia),
		raw: plain(m),
	};
}

export function fromCall(c: CallInstance): StatusOutput {
	const rule = classifyStatus('call', c.status);
	return {
		id: c.sid,
		channel: 'call',
		...verdict('call', c.status),
		// The Call resource has no error code; the status itself (busy, no-answer, failed) is the reason.
		errorCode: null,
		errorMessage: rule.isFinal && !rule.isSuccess ? rule.meaning : null,
		errorHint: null,
		errorMoreInfo: null,
		to: c.to ?? null,
		from: c.from ?? null,
		direction: c.direction,
		answeredBy: c.answeredBy ?? null,
		createdAt: iso(c.dateCreated),
		startedAt: iso(c.startTime),
		endedAt: iso(c.endTime),
		updatedAt: iso(c.dateUpdated),
		price: num(c.price),
		priceUnit: c.priceUnit ?? null,
		duration: num(c.duration),
		raw: plain(c),
	};
}

/** Resend writes dates as Postgres does ("2023-04-03 22:13:42.674981+00"); Date.parse needs ISO. */
export function resendDate(value: string | null | undefined): string | null {
	if (!value) return null;
	const isoText = value.trim().replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
	const t = Date.parse(isoText);
	return Number.isNaN(t) ? value : new Date(t).toISOString();
}

export function fromEmail(e: GetEmailResponseSuccess): StatusOutput {
	const rule = classifyStatus('email', e.last_event);
	return {
		id: e.id,
		channel: 'email',
		...verdict('email', e.last_event),
		// Resend reports no error code; for a failed email the event itself is the reason.
		errorCode: null,
		errorMessage: rule.isFinal && !rule.isSuccess ? rule.meaning : null,
		errorHint: null,
		errorMoreInfo: null,
		to: e.to?.join(', ') ?? null,
		from: e.from ?? null,
		subject: e.subject ?? null,
		createdAt: resendDate(e.created_at),
		scheduledAt: resendDate(e.scheduled_at),
		// Resend's email object has no update time; the last event's time is not exposed either.
		updatedAt: null,
		price: null,
		priceUnit: null,
		raw: JSON.parse(JSON.stringify(e)) as IDataObject,
	};
}
