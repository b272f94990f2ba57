export * from './sections.ts';
export * from './settings.ts';
export * from './settings-error.ts';
