/* A small program that uses a stack buffer and fortifiable calls, so every
   hardening flag shows: the canary guards buf, _FORTIFY_SOURCE turns strcpy
   and snprintf into their _chk forms. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	char buf[64];
	char out[128];

	strcpy(buf, argc > 1 ? argv[1] : "hello");
	snprintf(out, sizeof out, "%s %d", buf, argc);
	puts(out);
	return system(argc > 2 ? argv[2] : "true") != 0;
}
