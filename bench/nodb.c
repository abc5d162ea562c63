/* nodb.fcgi — the benchmarks' reference: a FastCGI responder that reads
 * the request body and answers a fixed JSON line, touching no database.
 * Every benchmark figure is reported as a ratio to this one, measured in
 * the same run through the same nginx. */
#include <fcgiapp.h>

int main(void)
{
	FCGX_Request req;
	char buf[4096];

	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&req) >= 0) {
		while (FCGX_GetStr(buf, sizeof(buf), req.in) > 0)
			;
		FCGX_PutS("Status: 200\r\n"
			  "Content-Type: application/json; charset=utf-8\r\n"
			  "Cache-Control: no-store\r\n\r\n"
			  "{\"ok\":true,\"verb\":\"PING\",\"data\":{}}\n", req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}
