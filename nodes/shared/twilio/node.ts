/**
 * What every Twilio action node shares: the execute body that loads the client once, then hands
 * each item to the node's one-item operation.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { readRunnerOptions } from '../runner/options';
import { returnFailuresToAgent, runItems } from '../runner/runItems';
import { withStaticParameters } from '../runner/staticParameters';
import { loadTwilio, type TwilioContext } from './context';
import { toNodeError } from './errors';
import { TwilioSends } from './once';

/** The Twilio context of one node run, with that run's exactly-once book-keeping. */
export type TwilioRun = TwilioContext & { sends: TwilioSends };

export async function executeTwilioItems(
	ctx: IExecuteFunctions,
	label: string,
	operation: (ctx: IExecuteFunctions, twilio: TwilioRun, itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[][]> {
	return returnFailuresToAgent(ctx, async () => {
		const loaded = await loadTwilio(ctx);
		const twilio: TwilioRun = { ...loaded, sends: new TwilioSends(ctx, loaded) };
		const perItem = withStaticParameters(ctx);
		return runItems(
			ctx,
			(i) => operation(perItem, twilio, i),
			(error, i) => toNodeError(ctx.getNode(), error, i, twilio.secrets, label),
			readRunnerOptions(ctx),
			// Every Twilio action node creates something (a message, a call, a verification) or consumes
			// a check attempt, so none of them repeats an item on n8n's Retry On Fail.
			{ rememberSends: true },
		);
	});
}
