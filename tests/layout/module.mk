# tests/layout/: rules about the tree itself.
TEST_SCRIPTS += tests/layout/test_include_rules.sh
# tests/run.sh kills and names what a test leaves running.
TEST_SCRIPTS += tests/layout/test_run_left_running.sh
