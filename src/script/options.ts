/** Rhai's language options (`Engine::set_*`), per engine. Defaults match `Engine::new()`. */
export interface EngineOptions {
  strictVariables: boolean;
  allowShadowing: boolean;
  allowLooping: boolean;
  allowIfExpression: boolean;
  allowStatementExpression: boolean;
  allowAnonymousFn: boolean;
  allowLoopExpressions: boolean;
  failOnInvalidMapProperty: boolean;
  /** `eval(...)` (off unless the host enables it). */
  allowEval: boolean;
}

export const DEFAULT_OPTIONS: Readonly<EngineOptions> = Object.freeze({
  strictVariables: false,
  allowShadowing: true,
  allowLooping: true,
  allowIfExpression: true,
  allowStatementExpression: true,
  allowAnonymousFn: true,
  allowLoopExpressions: true,
  failOnInvalidMapProperty: false,
  allowEval: false,
});
