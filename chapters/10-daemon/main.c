/* main.c: the program's entry point; everything it does is a command of cli.c. */
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_run(argc, argv);
}
