# core/hosted/: the hosted runtime (one Linux process per PD): launcher and
# monitor, its control sockets, the PD process, seccomp, the stats file and its reader, and the
# counter table both runtimes keep behind sdvf_counter().
HOST_SRCS += core/hosted/hosted_launch.c core/hosted/hosted_log.c \
	core/hosted/hosted_control.c \
	core/hosted/hosted_image.c core/hosted/hosted_pd.c \
	core/hosted/hosted_wake.c core/hosted/hosted_futex.c \
	core/hosted/hosted_ops.c \
	core/hosted/hosted_group.c \
	core/hosted/hosted_confine.c core/hosted/hosted_seccomp.c \
	core/hosted/stats.c \
	core/hosted/stats_print.c core/hosted/stats_net.c core/hosted/counters.c
# The UIO backend: regions mapped from /dev/uioN (real devices).
HOST_SRCS += core/hosted/hosted_uio.c
