// The entry point. PgwalkCtl.runAndExit() parses the command line and maps
// every outcome to the documented exit codes (see ExitStatus.swift).
PgwalkCtl.runAndExit()
