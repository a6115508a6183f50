// af-lab's figures: plotly specs built from records, written as offline HTML, SVG and PNG.
export { markSimulated, TIER_LABEL, REASONING_LABEL, type Figure, type PlotlyObject } from './figure.js';
export * from './inputs.js';
export {
  afScorePoints,
  agreementTables,
  complianceSourceOf,
  FigureAccumulator,
  figureInputs,
  gapRows,
  outcomeCounts,
  outcomeOf,
  powerInput,
  typicalSamplesPerTier,
  type FigureInputOptions,
  type PowerOptions,
} from './figureInputs.js';
export * from './figures.js';
export { figureHtml, figureDocument, plotlySource, responsiveLayout, PLOTLY_FILE, type FigureHtmlOptions, type FigureDocumentOptions } from './html.js';
export { ensurePlotlyFile } from './plotlyFile.js';
export { FigureRenderer, renderPng, renderSvg, withFigureRenderer, type ImageFormat, type RenderOptions } from './render.js';
export { writeFigures, writeFiguresFromInputs, writeFigureFiles, type WriteFigureFilesOptions, type WriteFiguresOptions, type WriteFiguresResult, type WrittenFigure } from './export.js';
export { outcomesFigure } from './outcomesFigure.js';
export { gapFigure } from './gapFigure.js';
export { agreementFigure } from './agreementFigure.js';
export { afScoreFigure } from './afScoreFigure.js';
export { powerFigure } from './powerFigure.js';
export {
  publishedComplianceFigure,
  publishedEffectFigure,
  publishedFigures,
  paperFigures,
  publishedGapFigure,
  publishedOutcomes,
  publishedRatesFigure,
  paperName,
  pText,
  RATES_ONLY,
  type PublishedOutcome,
} from './publishedFigures.js';
export {
  besidePaperFigure,
  besidePaperFigures,
  besidePaperInputs,
  parseConditionMap,
  type BesideInputs,
  type BesideOptions,
  type BesideRow,
  type ConditionMap,
} from './besidePaper.js';
export { rocFigure } from './rocFigure.js';
export { aurocVotesFigure } from './aurocVotesFigure.js';
export { afValidationFigures, type ValidationFigures } from './validationFigures.js';
export { mitigationFigure } from './mitigationFigure.js';
