/* cli.h: the command line: addblock and printchain. */
#pragma once

/* Runs the command in ARGV and returns the process's exit code. */
int cli_run(int argc, char **argv);
