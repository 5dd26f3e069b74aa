/**
 * Jest applies `testTimeout` from the global config only, not from a project's, so the e2e
 * project sets its own here: steps against a real n8n and a browser take seconds each.
 */
import { jest } from '@jest/globals';

jest.setTimeout(120_000);
