export * from './gencaster-error.ts';
export * from './enums.ts';
