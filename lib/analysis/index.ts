export { AnalysisReport, findingLine } from './report';
export { ANALYZERS, analyze } from './run';
export type { AnalyzeOptions } from './run';
export { FindingLevel } from './model';
export type { Analyzer, AnalyzedObject, Finding } from './model';
