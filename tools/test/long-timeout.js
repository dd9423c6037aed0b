// Integration and end-to-end suites talk to real services and start processes.
jest.setTimeout(120_000);
