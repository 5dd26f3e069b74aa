import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { readRunnerOptions } from '../shared/runner/options';
import { returnFailuresToAgent, runItems } from '../shared/runner/runItems';
import { withStaticParameters } from '../shared/runner/staticParameters';
import { loadTwilio } from '../shared/twilio/context';
import { twilioApiTest } from '../shared/twilio/credentialTest';
import { lookUpPhoneProperties } from './description';
import { lookupError } from './errors';
import { lookUpPhone } from './lookUp';

export class LookUpPhone implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Look Up Phone',
		name: 'lookUpPhone',
		// Mid-tone colours that read on both themes; a dark copy would be the same drawing.
		// eslint-disable-next-line @n8n/community-nodes/icon-prefer-themed-variants
		icon: 'file:lookUpPhone.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{"look up " + $parameter["phoneNumber"]}}',
		description:
			'Check a phone number with Twilio Lookup before texting or calling it: whether it is valid, its E.164 and national format and its country, and with Line Type Intelligence whether it is a mobile, landline or VoIP number and its carrier. Phone Number: the number in E.164 format (+ and country code, e.g. +14155550123). Returns valid, phoneNumber, lineType, isMobile, isLandline and isVoip. An invalid number is not an error: valid is false.',
		defaults: { name: 'Look Up Phone' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'twilioCommsApi', required: true, testedBy: 'twilioApiTest' }],
		properties: lookUpPhoneProperties,
	};

	methods = {
		credentialTest: { twilioApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return returnFailuresToAgent(this, async () => {
			const twilio = await loadTwilio(this);
			// A lookup creates nothing, so unlike the sending nodes it keeps no ledger for Retry On Fail:
			// looking a number up again is harmless.
			const perItem = withStaticParameters(this);
			return runItems(this, (i) => lookUpPhone(perItem, twilio, i), (error, i) => lookupError(this.getNode(), error, i, twilio.secrets), readRunnerOptions(this));
		});
	}
}
