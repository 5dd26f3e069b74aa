export * from './common';
export * from './errors';
export { addProblem, fixOf, parseField, type Problem } from './issues';
export * from './phone';
export * from './segments';
export * from './sms';
