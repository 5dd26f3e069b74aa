/*
 * The credentials side of an in-process n8n run.
 *
 * In n8n the CLI's CredentialsHelper loads encrypted credentials from the database. Here the
 * decrypted data comes straight from the test, and the rest mirrors what n8n does with it:
 * - getDecrypted applies the credential type's property defaults (NodeHelpers.getNodeParameters)
 *   and resolves expressions in the data, as n8n's applyDefaultsAndOverwrites does;
 * - authenticate runs a credential type's `authenticate`: a function is called, a generic
 *   (IAuthenticateGeneric) one has its headers/qs/body/auth entries resolved as expressions
 *   against `$credentials` and merged into the request, exactly like n8n's implementation;
 * - preAuthentication / OAuth are not supported (our credentials do not use them).
 */
import { getAdditionalKeys } from 'n8n-core';
import {
	ICredentials,
	ICredentialsHelper,
	NodeHelpers,
	UserError,
	deepCopy,
	isExpression,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsEncrypted,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';

/** A credential as the test provides it: already decrypted. */
export interface EngineCredential {
	id?: string;
	name?: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/** In-memory ICredentials, for the few callers that want the credentials object itself. */
class EngineCredentials extends ICredentials {
	constructor(
		details: INodeCredentialsDetails,
		type: string,
		private plain: ICredentialDataDecryptedObject,
	) {
		super(details, type);
	}

	async getData(): Promise<ICredentialDataDecryptedObject> {
		return deepCopy(this.plain);
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.plain) };
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.plain = deepCopy(data);
	}

	async updateData(
		toUpdate: Partial<ICredentialDataDecryptedObject>,
		toDelete: string[] = [],
	): Promise<void> {
		const next = { ...this.plain, ...toUpdate } as ICredentialDataDecryptedObject;
		for (const key of toDelete) delete next[key];
		this.plain = next;
	}
}

export class EngineCredentialsHelper extends ICredentialsHelper {
	private readonly credentials: EngineCredential[];

	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		credentials: EngineCredential[],
	) {
		super();
		// Own copies: nodes may update credentials (token refresh), which must not leak into the test's objects.
		this.credentials = credentials.map((c) => ({ ...c, data: deepCopy(c.data) }));
	}

	/**
	 * Finds the test credential a node refers to. A node's `credentials[type]` carries `{ id, name }`;
	 * we match on id when both sides have one, else on name, and a test credential with neither
	 * matches any reference of its type.
	 */
	private find(nodeCredentials: INodeCredentialsDetails, type: string): EngineCredential {
		const ofType = this.credentials.filter((c) => c.type === type);
		const match =
			ofType.find((c) => c.id !== undefined && nodeCredentials.id != null && c.id === nodeCredentials.id) ??
			ofType.find((c) => c.id === undefined && c.name !== undefined && c.name === nodeCredentials.name) ??
			ofType.find((c) => c.id === undefined && c.name === undefined);
		if (!match) {
			throw new UserError(
				`Credential with ID "${nodeCredentials.id ?? ''}" (name "${nodeCredentials.name}") does not exist for type "${type}".`,
			);
		}
		return match;
	}

	private getType(typeName: string): ICredentialType {
		const type = this.credentialTypes[typeName];
		if (!type) {
			throw new UserError(
				`Unknown credential type "${typeName}": pass it in RunOptions.credentialTypes`,
			);
		}
		return type;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.credentialTypes[credentialType];
		if (!type?.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).includes(nodeType);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes[type]?.properties ?? [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.getType(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			if (!workflow || !node) {
				throw new UserError('Workflow and node are required for generic credential authentication');
			}
			const resolve = (value: string): string => {
				if (!isExpression(value)) return value;
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				);
				return resolved ? String(resolved) : '';
			};
			const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
			target.headers ??= {};
			for (const [outerKey, entries] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					const bucket = (target[outerKey] ??= {});
					bucket[resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		if (this.credentialTypes[typeName]?.preAuthentication) {
			throw new UserError(`engine harness: preAuthentication (credential "${typeName}") is not supported`);
		}
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const found = this.find(nodeCredentials, type);
		return new EngineCredentials(
			{ id: found.id ?? nodeCredentials.id, name: found.name ?? nodeCredentials.name },
			type,
			found.data,
		);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const original = deepCopy(this.find(nodeCredentials, type).data);
		if (raw === true) return original;

		const properties = this.getCredentialsProperties(type);
		let data = (NodeHelpers.getNodeParameters(
			properties,
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		// getNodeParameters keeps only declared properties; keep undeclared test data too.
		data = { ...original, ...data };

		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
				expressionResolveValues;
			data = workflow.expression.getParameterValue(
				data as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				getAdditionalKeys(additionalData, mode, null, { isCredential: true }),
				executeData,
				false,
				data,
			) as ICredentialDataDecryptedObject;
		}
		return data;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.find(nodeCredentials, type).data = deepCopy(data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const found = this.find(nodeCredentials, type);
		found.data = { ...found.data, oauthTokenData: data.oauthTokenData };
	}
}
