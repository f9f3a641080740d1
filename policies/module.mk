# policies/: the policy interface (policy.h), its framework (policy.c) and
# one file per policy.  docs/policies.md is the guide.
#
# Registering a policy is one line below: NAME for policies/NAME.c, which
# defines `const struct sdvf_policy NAME_policy`.  Another folder may append
# to POLICIES too, adding its own source to PORTABLE_SRCS.
policies_elsewhere := $(POLICIES)
POLICIES += rr
POLICIES += drr
POLICIES += prio
POLICIES += token_bucket
POLICIES += least_served

PORTABLE_SRCS += policies/policy.c $(patsubst %,policies/%.c,\
	$(filter-out $(policies_elsewhere),$(POLICIES)))

# The table of built-ins, generated from POLICIES when the recipe runs (so
# after every module.mk has been read); replaced only when the list
# changes.  It is portable code, linked into the muxes and into the
# freestanding link of `make cross`, so it goes into PORTABLE_SRCS although
# it is generated: its object lands at $(BUILD)/$(BUILD)/gen/policies.o.
POLICY_TABLE_C := $(BUILD)/gen/policies.c
PORTABLE_SRCS += $(POLICY_TABLE_C)

$(POLICY_TABLE_C): FORCE_POLICY_TABLE
	@mkdir -p $(dir $@)
	@policies/gen_policies.sh "$(POLICIES)" >$@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

.PHONY: FORCE_POLICY_TABLE
FORCE_POLICY_TABLE:
