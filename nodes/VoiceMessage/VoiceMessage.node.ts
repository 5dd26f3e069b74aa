import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { readRunnerOptions } from '../shared/runner/options';
import { runItems } from '../shared/runner/runItems';
import { TWILIO_CREDENTIAL } from '../shared/twilio/client';
import { loadTwilio } from '../shared/twilio/context';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import { toNodeError } from '../shared/twilio/errors';
import { searchPhoneNumbers } from '../shared/twilio/listSearch';
import { placeVoiceMessage } from './call';
import { voiceMessageProperties } from './description';

export class VoiceMessage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voice Message',
		name: 'voiceMessage',
		icon: 'file:voiceMessage.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{"call " + $parameter["to"]}}',
		description: 'Call a phone and read a message aloud (text-to-speech) through Twilio',
		defaults: { name: 'Voice Message' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: TWILIO_CREDENTIAL, required: true, testedBy: 'twilioApiTest' }],
		properties: voiceMessageProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers },
		credentialTest: { twilioApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const twilio = await loadTwilio(this);
		return runItems(
			this,
			(i) => placeVoiceMessage(this, twilio, i),
			(error, i) => toNodeError(this.getNode(), error, i, twilio.secrets, 'Voice Message'),
			readRunnerOptions(this),
		);
	}
}
