# tests/layout/: rules about the tree itself.
TEST_SCRIPTS += tests/layout/test_include_rules.sh
