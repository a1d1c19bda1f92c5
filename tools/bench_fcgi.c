/*
 * The benchmark's second ceiling: the least a libfcgi responder can do.
 * N prefork workers on a unix socket each answer every request with a
 * fixed 200, as fast as libfcgi allows.  Built and run by tools/bench.
 *
 * usage: bench_fcgi SOCKET WORKERS
 */
#include <fcgiapp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, i, n;

	if (argc != 3)
		return 2;
	n = atoi(argv[2]);
	unlink(argv[1]);
	FCGX_Init();
	fd = FCGX_OpenSocket(argv[1], 1024);
	if (fd < 0)
		return 1;
	chmod(argv[1], 0666);
	for (i = 0; i < n; i++) {
		if (fork() == 0) {
			FCGX_Request rq;
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			FCGX_InitRequest(&rq, fd, 0);
			while (FCGX_Accept_r(&rq) >= 0) {
				FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nok\n",
					  rq.out);
				FCGX_Finish_r(&rq);
			}
			_exit(0);
		}
	}
	signal(SIGTERM, SIG_DFL);
	while (wait(NULL) > 0)
		;
	return 0;
}
