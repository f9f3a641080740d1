# core/sysdesc/: system descriptions (.dts -> expand -> load -> check) and
# the registry of built-in components and expanders.
HOST_SRCS += core/sysdesc/sysdesc_load.c core/sysdesc/sysdesc_dts.c \
	core/sysdesc/sysdesc_names.c core/sysdesc/sysdesc_expand.c \
	core/sysdesc/sysdesc_build.c core/sysdesc/sysdesc_check.c \
	core/sysdesc/sysdesc_config.c core/sysdesc/sysdesc_dump.c \
	core/sysdesc/sysdesc_fdt.c core/sysdesc/sysdesc_reach.c \
	core/sysdesc/registry.c
HOST_SRCS += core/sysdesc/sysdesc_queue_pair.c
HOST_SRCS += core/sysdesc/sysdesc_group.c
EXPANDERS += queue_pair

# The registry: every module.mk appends to COMPONENTS (NAME defines
# `const struct sdvf_component NAME_component`) and EXPANDERS (NAME defines
# `const struct sdvf_expander NAME_expander`); this generates the tables.
# Regenerated on every make, replaced only when the lists change.
REGISTRY_C := $(BUILD)/gen/registry.c
GEN_OBJS += $(BUILD)/gen/registry.o

$(REGISTRY_C): FORCE_REGISTRY
	@mkdir -p $(dir $@)
	@core/sysdesc/gen_registry.sh "$(COMPONENTS)" "$(EXPANDERS)" >$@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/gen/registry.o: $(REGISTRY_C)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

.PHONY: FORCE_REGISTRY
FORCE_REGISTRY:
-include $(BUILD)/gen/registry.d
