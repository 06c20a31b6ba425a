import { buildProgram, runProgram } from '../../controller/cli/program.js';
import { addToolCommands } from './commands.js';

// The CLI of a checkout: the production commands plus the lab, test calls and load tests.
const { program, global } = buildProgram();
addToolCommands(program, global);
runProgram(program);
