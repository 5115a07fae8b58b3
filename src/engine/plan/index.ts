// The execution plan: below the modules (which it compiles) and above the backend (which it calls).
export { compile, type Plan, type PlanOptions } from './compile.js';
