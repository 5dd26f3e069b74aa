import { NodeConnectionTypes, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import type { TwilioContext } from '../shared/twilio/context';
import { searchVerifyServices } from '../shared/twilio/listSearch';
import { executeTwilioItems } from '../shared/twilio/node';
import { checkCode } from './check';
import { verifyPhoneProperties } from './description';
import { sendCode } from './send';

/** The operation is read per item, like every parameter, so one run can mix sends and checks via expressions. */
function verifyPhoneItem(ctx: IExecuteFunctions, twilio: TwilioContext, i: number): Promise<IDataObject> {
	return ctx.getNodeParameter('operation', i, 'sendCode') === 'checkCode' ? checkCode(ctx, twilio, i) : sendCode(ctx, twilio, i);
}

export class VerifyPhone implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Verify Phone',
		name: 'verifyPhone',
		// Mid-tone colours that read on both themes; a dark copy would be the same drawing.
		// eslint-disable-next-line @n8n/community-nodes/icon-prefer-themed-variants
		icon: 'file:verifyPhone.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "checkCode" ? "check code" : "send code by " + $parameter["channel"]}}',
		description:
			'Send a one-time code by SMS, call, email or WhatsApp and check it, with Twilio Verify. To: the phone number in E.164 format (+ and country code, e.g. +14155550123), or the email address for email. Code: the code the user entered. Checking returns valid: true or false.',
		defaults: { name: 'Verify Phone' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twilioCommsApi', required: true, testedBy: 'twilioApiTest' }],
		properties: verifyPhoneProperties,
	};

	methods = {
		listSearch: { searchVerifyServices },
		credentialTest: { twilioApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeTwilioItems(this, 'Verify Phone', verifyPhoneItem);
	}
}
