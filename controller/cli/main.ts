import { buildProgram, runProgram } from './program.js';

// The production CLI (the Docker image's entry): tooling commands are added by tools/cli/main.ts.
runProgram(buildProgram().program);
