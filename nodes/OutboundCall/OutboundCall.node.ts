import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { readRunnerOptions } from '../shared/runner/options';
import { runItems } from '../shared/runner/runItems';
import { TWILIO_CREDENTIAL } from '../shared/twilio/client';
import { loadTwilio } from '../shared/twilio/context';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import { toNodeError } from '../shared/twilio/errors';
import { searchPhoneNumbers } from '../shared/twilio/listSearch';
import { placeOutboundCall } from './call';
import { outboundCallProperties } from './description';

export class OutboundCall implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Outbound Call',
		name: 'outboundCall',
		icon: 'file:outboundCall.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{"call " + $parameter["to"]}}',
		description: 'Place a phone call through Twilio, driven by a TwiML URL, inline TwiML or a TwiML App',
		defaults: { name: 'Outbound Call' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: TWILIO_CREDENTIAL, required: true, testedBy: 'twilioApiTest' }],
		properties: outboundCallProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers },
		credentialTest: { twilioApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const twilio = await loadTwilio(this);
		return runItems(
			this,
			(i) => placeOutboundCall(this, twilio, i),
			(error, i) => toNodeError(this.getNode(), error, i, twilio.secrets, 'Outbound Call'),
			readRunnerOptions(this),
		);
	}
}
