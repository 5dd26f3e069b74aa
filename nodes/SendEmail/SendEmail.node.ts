import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { returnFailuresToAgent, runItems } from '../shared/runner/runItems';
import { withStaticParameters } from '../shared/runner/staticParameters';
import { readRunnerOptions } from '../shared/runner/options';
import { loadResend } from '../shared/resend/context';
import { resendApiTest } from '../shared/resend/credentialTest';
import { toNodeError } from '../shared/resend/errors';
import { sendBatches } from './batch';
import { EMAIL_RUNNER_DEFAULTS, sendEmailProperties } from './description';
import { sendOne } from './single';

export class SendEmail implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Send Email',
		name: 'sendEmail',
		// The envelope is near-black; on the dark canvas it is drawn light.
		icon: { light: 'file:sendEmail.svg', dark: 'file:sendEmail.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["batch"] ? "batch to " : "to "}}{{$parameter["to"]}}',
		description:
			"Send an email through Resend. To: the recipients' email addresses, separated by commas (at most 50). Subject: the subject line. Text: the plain-text body (HTML: an HTML body). Returns the email's ID.",
		defaults: { name: 'Send Email' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'resendCommsApi', required: true, testedBy: 'resendApiTest' }],
		properties: sendEmailProperties,
	};

	methods = {
		credentialTest: { resendApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return returnFailuresToAgent(this, async () => {
			const resend = await loadResend(this);
			const runner = readRunnerOptions(this, 'options', EMAIL_RUNNER_DEFAULTS.concurrency, EMAIL_RUNNER_DEFAULTS.perSecond);
			const mapError = (error: unknown, i: number) => toNodeError(this.getNode(), error, i, resend.secrets, 'Send Email');
			if (this.getNodeParameter('batch', 0, false) === true) {
				const validation = this.getNodeParameter('options.batchValidation', 0, 'strict') === 'permissive' ? 'permissive' : 'strict';
				return sendBatches(this, resend, mapError, { ...runner, validation });
			}
			// Resend's Idempotency-Key already stops a repeat within this execution; remembering sends also saves the request.
			const perItem = withStaticParameters(this);
			return runItems(this, (i) => sendOne(perItem, resend, i), mapError, runner, { rememberSends: true });
		});
	}
}
