/*
 * bench_handoffs: activations and signals per echoed datagram, per PD, in
 * the sim (tests/unit/handoff_fixture.h): the bench reflector in copy and
 * remap mode, window 1 and window 32.  Deterministic: the same numbers on
 * every run and machine, so a change to the components is measured by
 * running it before and after.  `make bench-handoffs`; docs/benchmarks.md
 * "Hand-offs per echo" reads the table.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/handoff_fixture.h"

#define PAYLOAD 64

int main(void)
{
	static const char *const clients[] = {"refl", "refl_remap"};
	static const uint32_t windows[] = {1, 32};
	static const uint32_t counts[] = {1000, 3200};
	struct hoff h;
	if (!hoff_open(&h))
		return 1;
	printf("sim: per echoed datagram (%d-byte UDP payload), activations / "
	       "signals (notifications + irq acks) per PD\n",
	       PAYLOAD);
	printf("%-11s %3s", "client", "w");
	for (int i = 0; i < HOFF_NPD; i++)
		printf("  %13s", hoff_pd_label[i]);
	printf("  %13s\n", "total");
	int rc = 0;
	for (size_t c = 0; c < 2; c++) {
		for (size_t w = 0; w < 2; w++) {
			struct hoff_row r;
			if (!hoff_echo(&h, clients[c], counts[w], windows[w],
				       PAYLOAD, &r)) {
				rc = 1;
				continue;
			}
			double n = (double)r.echoes, ta = 0, ts = 0;
			printf("%-11s %3u", clients[c], windows[w]);
			for (int i = 0; i < HOFF_NPD; i++) {
				printf("  %5.2f / %5.2f", r.act[i] / n,
				       r.sig[i] / n);
				ta += r.act[i] / n;
				ts += r.sig[i] / n;
			}
			printf("  %5.2f / %5.2f\n", ta, ts);
		}
	}
	hoff_close(&h);
	return rc;
}
