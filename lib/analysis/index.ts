export { AnalysisReport, findingLine } from './report';
export { ANALYSIS_CODES, ANALYZERS, analyze } from './run';
export type { AnalyzeOptions } from './run';
export { analyzeManifests, inputFiles } from './files';
export type { AnalyzeManifestsOptions } from './files';
export { objectsOfYaml } from './load';
export type { ObjectSource } from './load';
export { FindingLevel } from './model';
export type { Analyzer, AnalyzedObject, AnalysisExternals, Finding } from './model';
