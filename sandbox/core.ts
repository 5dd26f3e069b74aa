/**
 * Everything a route handler may touch, in one object: state, counters, faults, timers and the
 * webhook client. One core per sandbox instance, so parallel sandboxes in one process stay apart.
 */
import { ChatModelLog } from './chat-model/log';
import { FaultConfig, FaultController } from './faults';
import { Scheduler } from './scheduler';
import { SandboxStore } from './state';
import { StatsCollector } from './stats';
import { StatusCallbacks } from './callbacks';
import { WebhookClient } from './webhooks';

export interface CoreOptions {
	statusStepMs: number;
	requestLimit: number;
	faults: Partial<FaultConfig>;
	webhookTimeoutMs: number;
	log: (line: string) => void;
}

export class SandboxCore {
	readonly store: SandboxStore;
	readonly stats = new StatsCollector();
	readonly faults: FaultController;
	/** Message status timers: cleared by reset() and close(). */
	readonly lifecycle: Scheduler;
	/** Request delays (latency, slow): cleared only by close(), so reset() never strands a request. */
	readonly io: Scheduler;
	readonly webhooks: WebhookClient;
	readonly statusCallbacks: StatusCallbacks;
	/** The scripted chat model's recorded requests and address (its server is in chat-model/server.ts). */
	readonly chatModel: ChatModelLog;

	constructor(readonly options: CoreOptions) {
		const onError = (err: unknown): void => this.log(`timer error: ${err instanceof Error ? err.stack : String(err)}`);
		this.store = new SandboxStore(options.requestLimit);
		this.faults = new FaultController(options.faults);
		this.lifecycle = new Scheduler(onError);
		this.io = new Scheduler(onError);
		this.webhooks = new WebhookClient(options.webhookTimeoutMs);
		this.statusCallbacks = new StatusCallbacks(this);
		this.chatModel = new ChatModelLog(options.requestLimit);
	}

	get statusStepMs(): number {
		return this.options.statusStepMs;
	}

	log(line: string): void {
		try {
			this.options.log(line);
		} catch {
			// A broken logger must not take the sandbox down.
		}
	}

	reset(): void {
		this.lifecycle.clear();
		this.statusCallbacks.reset();
		this.store.reset();
		this.stats.reset();
		this.faults.restoreBaseline();
		this.chatModel.reset();
	}

	close(): void {
		this.lifecycle.clear();
		this.io.clear();
		this.webhooks.close();
	}
}
