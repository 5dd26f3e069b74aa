import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import { executeTwilioItems, twilioCredentials } from '../shared/twilio/node';
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
		description:
			'Call a phone and read a message aloud (text-to-speech) through Twilio. To: the number to call in E.164 format (+ and country code, e.g. +14155550123). Message: the text spoken to whoever answers. Returns the call SID and status.',
		defaults: { name: 'Voice Message' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: twilioCredentials,
		properties: voiceMessageProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers },
		credentialTest: { twilioApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeTwilioItems(this, 'Voice Message', placeVoiceMessage);
	}
}
