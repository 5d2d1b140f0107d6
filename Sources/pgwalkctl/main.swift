// The entry point. PgwalkCtl.main() parses the command line and maps every
// outcome to the documented exit codes (see Termination.swift).
PgwalkCtl.main()
