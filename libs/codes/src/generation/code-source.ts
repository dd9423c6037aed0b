import { CodePlan, GeneratedCode, randomCodeSource } from '../plan/code-plan';

/** Makes the random codes of a plan. A provider, so that a test can force collisions. */
export type CodeSourceFactory = (plan: CodePlan) => (count: number) => GeneratedCode[];

export const CODE_SOURCE_FACTORY = Symbol('CODE_SOURCE_FACTORY');

export const defaultCodeSourceFactory: CodeSourceFactory = randomCodeSource;
