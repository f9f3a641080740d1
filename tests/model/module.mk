# tests/model/: Spin model of the queue signalling protocol (core/queue.h).
TEST_SCRIPTS += tests/model/run.sh
