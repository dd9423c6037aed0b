// Apps built inside a test (and the processes a test starts, which inherit this environment) log
// warnings and errors only, unless the test asks for more: a suite's output stays readable.
process.env.LOG_LEVEL ??= 'warn';
