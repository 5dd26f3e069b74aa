import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { runItems } from '../shared/runner/runItems';
import { readRunnerOptions } from '../shared/runner/options';
import { loadTwilio } from '../shared/twilio/context';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import { toNodeError } from '../shared/twilio/errors';
import { searchMessagingServices, searchPhoneNumbers } from '../shared/twilio/listSearch';
import { TWILIO_CREDENTIAL } from '../shared/twilio/client';
import { sendSmsProperties } from './description';
import { sendSms } from './send';

export class SendSms implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Send SMS',
		name: 'sendSms',
		icon: 'file:sendSms.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{"to " + $parameter["to"]}}',
		description: 'Send an SMS, MMS or WhatsApp message through Twilio',
		defaults: { name: 'Send SMS' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: TWILIO_CREDENTIAL, required: true, testedBy: 'twilioApiTest' }],
		properties: sendSmsProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers, searchMessagingServices },
		credentialTest: { twilioApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const twilio = await loadTwilio(this);
		return runItems(
			this,
			(i) => sendSms(this, twilio, i),
			(error, i) => toNodeError(this.getNode(), error, i, twilio.secrets, 'Send SMS'),
			readRunnerOptions(this),
		);
	}
}
