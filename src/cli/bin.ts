#!/usr/bin/env node
import { run } from './main.js';
import { processIo } from './io.js';

// A closed stdout or stderr (`| head`) is handled in processIo: the work goes on, the output is dropped.
process.exitCode = await run(process.argv.slice(2), processIo());
